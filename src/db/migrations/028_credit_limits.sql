-- How much a customer may owe on account (fiado); null: no limit. Set by a manager; a sale on
-- account that would take the debt past it is refused.
alter table customers add column credit_limit numeric(14, 2) check (credit_limit >= 0);
