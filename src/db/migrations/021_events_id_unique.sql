-- The outbox's id is an identity, so it is unique; say so to the planner. With the old
-- non-unique index, before the first ANALYZE of a busy outbox, the dispatcher's read of the ids it
-- skipped (`id = any(gaps)`, up to a hundred ids under load) was estimated at thousands of rows
-- and planned as a sequential scan of the whole table: 2-3 scans a second, each longer than the
-- last, which is why PostgreSQL's CPU per checkout grew with the length of a benchmark run.
-- A unique index makes each id worth one row, so the read is always an index lookup.
create unique index events_id_unique on events (id);
drop index events_id;
