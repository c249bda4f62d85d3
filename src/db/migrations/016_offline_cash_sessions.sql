-- Cash sessions opened by a terminal without a connection. Like a sale, the session carries
-- the id the terminal generated (cs_ + ULID), which is also its idempotency key: the request's
-- hash tells a replay (same body: the stored session) from a reused id (another body: refused).
-- opened_at is when the cashier opened the drawer (the terminal's clock); recorded_at is when
-- the server received it.
--
-- An offline opening that arrives while another session is already open on the register is
-- kept, never dropped: status 'merged', merged_into the open session. The offline sales that
-- name it are recorded in that open session (see src/modules/cash/README.md).
alter table cash_sessions add column request_hash text;
alter table cash_sessions add column recorded_at timestamptz;
alter table cash_sessions add column merged_into text;
alter table cash_sessions drop constraint cash_sessions_status_check;
alter table cash_sessions add constraint cash_sessions_status_check
  check (status in ('open', 'closed', 'merged'));
alter table cash_sessions add constraint cash_sessions_merged_check
  check ((status = 'merged') = (merged_into is not null));
create index cash_sessions_merged on cash_sessions (tenant_id, merged_into) where merged_into is not null;

-- Cash in/out queued offline carries the terminal's id (cmv_ + ULID) too.
alter table cash_movements add column request_hash text;
