-- Erasing a customer's data clears their phone from the outbox's order events: find those events
-- through this index instead of reading every event of the business. Only events that carry a
-- phone are in it (order events); a sale's events are not, so checkout pays nothing for it.
create index events_customer_phone on events (tenant_id, (payload ->> 'customerId'))
  where (payload ->> 'customerPhone') is not null;
