import type { Generated } from 'kysely';
import type { Json, Numeric, Timestamp, TimestampDefault } from '../../db/types.js';

export type CashSessionStatus = 'open' | 'closed';
export type CashMovementKind = 'in' | 'out' | 'refund';

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
}

export interface CashTables {
  registers: RegistersTable;
  cash_sessions: CashSessionsTable;
  cash_movements: CashMovementsTable;
}
