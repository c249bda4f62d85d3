import type { Numeric, Timestamp } from '../../db/types.js';
import { MONEY_IN_METHODS } from '../sales/sales.tables.js';

/** payment and return lower the debt; opening is a debt carried over from before (the notebook). */
export type AccountMovementKind = 'payment' | 'return' | 'opening';
/** What a payment on an account can be made with: a sale's tenders that bring money in. */
export const ACCOUNT_PAYMENT_METHODS = MONEY_IN_METHODS;
export type AccountPaymentMethod = (typeof ACCOUNT_PAYMENT_METHODS)[number];

/**
 * What lowers a customer's debt (payments received, abonos, and returns credited to the account)
 * and the debts carried over from before (opening balances).
 */
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
