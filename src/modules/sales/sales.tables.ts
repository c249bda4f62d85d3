import type { Generated } from 'kysely';
import type { Json, JsonDefault, Numeric, NumericDefault, Timestamp } from '../../db/types.js';
import type { TaxLine } from '../catalog/tax.js';

/** The tenders that bring money in (a payment on a customer's account takes these too). */
export const MONEY_IN_METHODS = ['cash', 'card', 'spei', 'codi', 'dimo', 'cheque', 'voucher'] as const;

/** How a sale may be paid: the one list the schemas, the tables and the web app read. */
export const PAYMENT_METHODS = [...MONEY_IN_METHODS, 'store_credit', 'on_account'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export interface TaxSummary {
  tax: 'IVA' | 'IEPS';
  factor: 'Tasa' | 'Cuota' | 'Exento';
  rate: string | null;
  base: string;
  amount: string | null;
}

export interface SalesTable {
  tenant_id: string;
  id: string;
  channel: Generated<string>;
  location_id: string;
  register_id: string | null;
  cash_session_id: string | null;
  customer_id: string | null;
  user_id: string | null;
  ticket_number: number;
  invoice_code: string;
  status: Generated<string>;
  subtotal: Numeric;
  discount_total: Numeric;
  tax_total: Numeric;
  total: Numeric;
  change_total: NumericDefault;
  taxes: Json<TaxSummary[]>;
  note: string | null;
  request_hash: string;
  created_at: Timestamp;
}

export interface SaleLinesTable {
  tenant_id: string;
  sale_id: string;
  line_no: number;
  sku_id: string;
  description: string;
  clave_prod_serv: string;
  clave_unidad: string;
  unit_name: string;
  quantity: Numeric;
  unit_price: Numeric;
  price_includes_tax: boolean;
  price_overridden: Generated<boolean>;
  gross: Numeric;
  discount: Numeric;
  subtotal: Numeric;
  tax_total: Numeric;
  total: Numeric;
  taxes: Json<TaxLine[]>;
  returned_quantity: NumericDefault;
}

export interface SalePaymentsTable {
  tenant_id: string;
  sale_id: string;
  payment_no: number;
  method: PaymentMethod;
  amount: Numeric;
  kind: Generated<'payment' | 'change'>;
  reference: string | null;
  details: JsonDefault<Record<string, string>>;
}

export interface StoreCreditMovementsTable {
  tenant_id: string;
  id: Generated<number>;
  customer_id: string;
  amount: Numeric;
  ref_type: string;
  ref_id: string;
  user_id: string | null;
  created_at: Timestamp;
}

export interface ParkedTicketsTable {
  tenant_id: string;
  id: string;
  location_id: string;
  register_id: string | null;
  user_id: string | null;
  label: string | null;
  cart: Json<unknown>;
  created_at: Timestamp;
}

export interface SalesTables {
  sales: SalesTable;
  sale_lines: SaleLinesTable;
  sale_payments: SalePaymentsTable;
  store_credit_movements: StoreCreditMovementsTable;
  parked_tickets: ParkedTicketsTable;
}
