import type { Generated } from 'kysely';
import type { Json, NumericDefault, Numeric, Timestamp, TimestampDefault } from '../../db/types.js';
import type { TaxLine } from '../catalog/tax.js';
import type { PaymentMethod } from '../sales/sales.tables.js';

export type OrderChannel = 'counter' | 'whatsapp' | 'shopify' | 'woocommerce' | 'storefront';
export type OrderStatus =
  | 'new'
  | 'confirmed'
  | 'preparing'
  | 'ready'
  | 'out_for_delivery'
  | 'delivered'
  | 'cancelled';
export type Fulfilment = 'pickup' | 'delivery' | 'dine_in';
export type PaymentStatus = 'unpaid' | 'paid' | 'on_account';
/** A sale's tenders, plus what a store or a channel reports (`online`, `other`). */
export type OrderPaymentMethod = PaymentMethod | 'online' | 'other';
export type LineStockStatus = 'held' | 'confirmed' | 'released';

export interface OrderCountersTable {
  tenant_id: string;
  last_number: number;
}

export interface OrdersTable {
  tenant_id: string;
  id: string;
  number: number;
  channel: OrderChannel;
  external_id: string | null;
  location_id: string;
  customer_id: string | null;
  status: Generated<OrderStatus>;
  fulfilment: Fulfilment;
  delivery_address: string | null;
  delivery_notes: string | null;
  notes: string | null;
  subtotal: Numeric;
  tax_total: Numeric;
  total: Numeric;
  paid_total: NumericDefault;
  payment_status: Generated<PaymentStatus>;
  hold_until: Timestamp | null;
  status_changed_at: TimestampDefault;
  created_by: string | null;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
}

export interface OrderLinesTable {
  tenant_id: string;
  order_id: string;
  line_no: number;
  sku_id: string;
  sku: string;
  description: string;
  quantity: Numeric;
  unit_price: Numeric;
  price_includes_tax: boolean;
  price_source: 'catalog' | 'channel';
  discount: NumericDefault;
  subtotal: Numeric;
  tax_total: Numeric;
  total: Numeric;
  taxes: Json<TaxLine[]>;
  reservation_id: string | null;
  stock_status: Generated<LineStockStatus>;
}

export interface OrderStatusHistoryTable {
  tenant_id: string;
  id: Generated<number>;
  order_id: string;
  from_status: OrderStatus | null;
  to_status: OrderStatus;
  note: string | null;
  changed_by: string | null;
  created_at: TimestampDefault;
}

export interface OrderPaymentsTable {
  tenant_id: string;
  id: Generated<number>;
  order_id: string;
  method: OrderPaymentMethod;
  amount: Numeric;
  reference: string | null;
  recorded_by: string | null;
  created_at: TimestampDefault;
}

export interface OrdersTables {
  order_counters: OrderCountersTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  order_status_history: OrderStatusHistoryTable;
  order_payments: OrderPaymentsTable;
}
