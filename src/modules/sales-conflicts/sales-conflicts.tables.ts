import type { Generated } from 'kysely';
import type { Json, JsonDefault, Numeric, Timestamp } from '../../db/types.js';

export type SaleConflictStatus = 'open' | 'recorded' | 'voided';
export type SaleConflictKind = 'sale' | 'return';

export interface SaleConflictsTable {
  tenant_id: string;
  id: string;
  sale_id: string;
  register_id: string | null;
  location_id: string | null;
  cash_session_id: string | null;
  kind: Generated<SaleConflictKind>;
  /** kind 'sale': the POST /sales body; null for a return */
  sale: Json<Record<string, unknown>> | null;
  /** kind 'return': the till's id for the return and the POST /returns body */
  return_id: string | null;
  return_body: Json<Record<string, unknown>> | null;
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
