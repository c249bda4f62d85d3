import type { Numeric, Timestamp } from '../../db/types.js';

export type AccountMovementKind = 'payment' | 'return';
export type AccountPaymentMethod = 'cash' | 'card' | 'spei' | 'codi' | 'dimo' | 'cheque' | 'voucher';

/** What lowers a customer's debt: payments received (abonos) and returns credited to the account. */
export interface AccountMovementsTable {
  tenant_id: string;
  id: string;
  customer_id: string;
  kind: AccountMovementKind;
  amount: Numeric;
  method: AccountPaymentMethod | null;
  reference: string | null;
  register_id: string | null;
  cash_session_id: string | null;
  ref_type: string | null;
  ref_id: string | null;
  note: string | null;
  user_id: string | null;
  created_at: Timestamp;
}

export interface AccountsTables {
  account_movements: AccountMovementsTable;
}
