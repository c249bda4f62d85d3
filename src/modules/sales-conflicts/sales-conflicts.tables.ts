import type { Generated } from 'kysely';
import type { Json, JsonDefault, Numeric, Timestamp } from '../../db/types.js';

export type SaleConflictStatus = 'open' | 'recorded' | 'voided';
export type SaleConflictKind = 'sale' | 'return' | 'cash_movement' | 'account_payment';

export interface SaleConflictsTable {
  tenant_id: string;
  id: string;
  /** kind 'sale': the till's sale id; 'return': the sale it returns; otherwise null */
  sale_id: string | null;
  register_id: string | null;
  location_id: string | null;
  cash_session_id: string | null;
  kind: Generated<SaleConflictKind>;
  /** kind 'sale': the POST /sales body; null for the other kinds */
  sale: Json<Record<string, unknown>> | null;
  /** the other kinds: the till's id for the operation (ret_, cmv_, acm_) and its POST body */
  operation_id: string | null;
  operation: Json<Record<string, unknown>> | null;
  /** cash_movement: the cash session it was made in; account_payment: the customer */
  target_id: string | null;
  total: Numeric | null;
  summary: string | null;
  error_code: string;
  error_message: string | null;
  error_details: JsonDefault<Record<string, unknown>>;
  sold_at: Timestamp | null;
  reported_by: string | null;
  status: Generated<SaleConflictStatus>;
  resolution_note: string | null;
  resolved_by: string | null;
  resolved_at: Timestamp | null;
  ticket_number: number | null;
  created_at: Timestamp;
}

export interface SaleConflictsTables {
  sale_conflicts: SaleConflictsTable;
}
