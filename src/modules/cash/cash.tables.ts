import type { Generated } from 'kysely';
import type { Json, Numeric, Timestamp, TimestampDefault } from '../../db/types.js';

/** merged: an offline opening that reached the server while another session was open. */
export type CashSessionStatus = 'open' | 'closed' | 'merged';
/** `collection`: money received against a customer's account (an abono), any method. */
export type CashMovementKind = 'in' | 'out' | 'refund' | 'collection';

export interface RegistersTable {
  tenant_id: string;
  id: string;
  location_id: string;
  name: string;
  active: Generated<boolean>;
  created_at: TimestampDefault;
}

export interface Denomination {
  denomination: string;
  count: number;
}

export interface CashSessionsTable {
  tenant_id: string;
  id: string;
  register_id: string;
  location_id: string;
  status: Generated<CashSessionStatus>;
  opening_float: Numeric;
  opened_by: string | null;
  opened_at: Timestamp;
  closed_by: string | null;
  closed_at: Timestamp | null;
  expected_cash: Numeric | null;
  counted_cash: Numeric | null;
  difference: Numeric | null;
  denominations: Json<Denomination[]> | null;
  closing_report: Json<Record<string, unknown>> | null;
  note: string | null;
  /** sha-256 of the opening request when the terminal sent its own id. */
  request_hash: string | null;
  /** When the server received the opening (opened_at is the terminal's clock). */
  recorded_at: Timestamp | null;
  /** For a merged offline opening: the session its sales were recorded in. */
  merged_into: string | null;
}

export interface CashMovementsTable {
  tenant_id: string;
  id: string;
  cash_session_id: string;
  kind: CashMovementKind;
  method: Generated<string>;
  amount: Numeric;
  reason: string;
  ref_type: string | null;
  ref_id: string | null;
  user_id: string | null;
  created_at: Timestamp;
  /** sha-256 of the request when the terminal sent its own id (queued offline). */
  request_hash: string | null;
}

export interface CashTables {
  registers: RegistersTable;
  cash_sessions: CashSessionsTable;
  cash_movements: CashMovementsTable;
}
