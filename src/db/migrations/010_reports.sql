-- Reports read other modules' tables by date; these indexes keep their range scans short.
-- The ledger by time: inventory value and average on hand "as of" a date walk back from the levels.
create index stock_movements_created on stock_movements (tenant_id, created_at);
-- Cash differences by the day the corte Z was made.
create index cash_sessions_closed on cash_sessions (tenant_id, closed_at) where status = 'closed';
-- Inventory accuracy by the day a count was posted.
create index stock_counts_posted on stock_counts (tenant_id, posted_at) where status = 'posted';
