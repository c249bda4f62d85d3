import type { Generated } from 'kysely';
import type { Numeric, NumericDefault, Timestamp, TimestampDefault } from '../../db/types.js';

export type MovementReason =
  | 'receipt'
  | 'sale'
  | 'return'
  | 'adjustment'
  | 'transfer_out'
  | 'transfer_in'
  | 'count'
  | 'reservation_confirm'
  | 'write_off';

export type HolderType = 'order' | 'whatsapp_cart' | 'online_order';
export type ReservationStatus = 'active' | 'confirmed' | 'released' | 'expired';
export type TransferStatus = 'draft' | 'sent' | 'received' | 'cancelled';
export type CountStatus = 'open' | 'posted' | 'cancelled';

export interface StockLevelsTable {
  tenant_id: string;
  sku_id: string;
  location_id: string;
  on_hand: NumericDefault;
  reserved: NumericDefault;
  updated_at: TimestampDefault;
}

export interface StockLotsTable {
  tenant_id: string;
  id: string;
  sku_id: string;
  location_id: string;
  lot_code: string;
  /** A date column: 'YYYY-MM-DD' when written; read back as text via to_char. */
  expires_on: string | null;
  quantity: NumericDefault;
  received_at: TimestampDefault;
}

export interface StockMovementsTable {
  tenant_id: string;
  id: Generated<number>;
  sku_id: string;
  location_id: string;
  quantity: Numeric;
  reason: MovementReason;
  ref_type: string | null;
  ref_id: string | null;
  lot_id: string | null;
  unit_cost: Numeric | null;
  note: string | null;
  user_id: string | null;
  created_at: TimestampDefault;
}

export interface StockReservationsTable {
  tenant_id: string;
  id: string;
  sku_id: string;
  location_id: string;
  quantity: Numeric;
  holder_type: HolderType;
  holder_id: string;
  status: Generated<ReservationStatus>;
  expires_at: Timestamp;
  ref_type: string | null;
  ref_id: string | null;
  created_by: string | null;
  created_at: TimestampDefault;
  resolved_at: Timestamp | null;
}

export interface StockTransfersTable {
  tenant_id: string;
  id: string;
  from_location_id: string;
  to_location_id: string;
  status: Generated<TransferStatus>;
  note: string | null;
  created_by: string | null;
  created_at: TimestampDefault;
  sent_at: Timestamp | null;
  received_at: Timestamp | null;
}

export interface StockTransferLinesTable {
  tenant_id: string;
  transfer_id: string;
  sku_id: string;
  quantity: Numeric;
  quantity_received: Numeric | null;
  difference: Numeric | null;
}

export interface StockCountsTable {
  tenant_id: string;
  id: string;
  location_id: string;
  status: Generated<CountStatus>;
  note: string | null;
  created_by: string | null;
  created_at: TimestampDefault;
  posted_at: Timestamp | null;
  lines_counted: number | null;
  lines_exact: number | null;
  accuracy: Numeric | null;
}

export interface StockCountLinesTable {
  tenant_id: string;
  count_id: string;
  sku_id: string;
  expected: Numeric;
  counted: Numeric | null;
  variance: Numeric | null;
  counted_at: Timestamp | null;
}

export interface InventoryTables {
  stock_levels: StockLevelsTable;
  stock_lots: StockLotsTable;
  stock_movements: StockMovementsTable;
  stock_reservations: StockReservationsTable;
  stock_transfers: StockTransfersTable;
  stock_transfer_lines: StockTransferLinesTable;
  stock_counts: StockCountsTable;
  stock_count_lines: StockCountLinesTable;
}
