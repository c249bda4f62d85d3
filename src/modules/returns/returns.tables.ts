import type { Numeric, Timestamp } from '../../db/types.js';

export type ReturnReason = 'defectuoso' | 'no_le_quedo' | 'cambio' | 'error_cobro' | 'otro';
export type RefundMethod = 'cash' | 'card' | 'spei' | 'store_credit' | 'on_account';
export type Disposition = 'restock' | 'write_off';

export interface ReturnsTable {
  tenant_id: string;
  id: string;
  sale_id: string;
  location_id: string;
  customer_id: string | null;
  reason: ReturnReason;
  note: string | null;
  refund_method: RefundMethod;
  refund_amount: Numeric;
  refund_reference: string | null;
  register_id: string | null;
  cash_session_id: string | null;
  exchange_sale_id: string | null;
  user_id: string | null;
  created_at: Timestamp;
}

export interface ReturnLinesTable {
  tenant_id: string;
  return_id: string;
  line_no: number;
  sale_line_no: number;
  sku_id: string;
  description: string;
  quantity: Numeric;
  amount: Numeric;
  disposition: Disposition;
}

export interface ReturnsTables {
  returns: ReturnsTable;
  return_lines: ReturnLinesTable;
}
