import type { PaymentMethod } from '@server/modules/sales/sales.tables.js';
/** Server shapes the terminal uses (mirrors of the route schemas in src/modules). */

export interface Location {
  id: string;
  name: string;
  kind: 'store' | 'warehouse';
  postalCode: string | null;
  address: string | null;
  active: boolean;
}

export interface Register {
  id: string;
  locationId: string;
  name: string;
  active: boolean;
  openCashSessionId: string | null;
}

export interface CashSession {
  id: string;
  registerId: string;
  locationId: string;
  /** merged: an opening made offline that reached the server while another session was open. */
  status: 'open' | 'closed' | 'merged';
  openingFloat: string;
  openedAt: string;
  /** When the server received the opening (for one made offline, later than openedAt). */
  recordedAt?: string | null;
  openedBy: string | null;
  /** The open session a merged offline opening's sales went to. */
  mergedInto?: string | null;
  closedAt: string | null;
  expectedCash: string | null;
  countedCash: string | null;
  difference: string | null;
}

export interface MethodTotals {
  method: string;
  sales: string;
  refunds: string;
  /** Received against customers' accounts (abonos). */
  collections: string;
  expected: string;
}

export interface Denomination {
  denomination: string;
  count: number;
}

export interface CashReport {
  cashSessionId: string;
  registerId: string;
  locationId: string;
  status: 'open' | 'closed';
  openingFloat: string;
  openedAt: string;
  openedBy: string | null;
  closedAt: string | null;
  closedBy: string | null;
  salesCount: number;
  salesTotal: string;
  byMethod: MethodTotals[];
  cashIn: string;
  cashOut: string;
  cashRefunds: string;
  expectedCash: string;
  countedCash: string | null;
  difference: string | null;
  denominations: Denomination[] | null;
  /** Offline openings merged into this session: their sales are in the figures, their float is not. */
  mergedOpenings?: {
    cashSessionId: string;
    openingFloat: string;
    openedAt: string;
    openedBy: string | null;
  }[];
}

export interface TaxLine {
  tax: 'IVA' | 'IEPS';
  factor: 'Tasa' | 'Cuota' | 'Exento';
  rate: string | null;
  base: string;
  amount: string | null;
}

export interface SaleLine {
  lineNo: number;
  skuId: string;
  description: string;
  /** SAT's unit key: KGM for products sold by weight */
  claveUnidad: string;
  unitName: string;
  quantity: string;
  unitPrice: string;
  priceIncludesTax: boolean;
  gross: string;
  discount: string;
  subtotal: string;
  taxTotal: string;
  total: string;
  taxes: TaxLine[];
  returnedQuantity: string;
}

/** How a sale may be paid: the server's own list. */
export type { PaymentMethod };

export interface SalePayment {
  paymentNo: number;
  method: PaymentMethod;
  amount: string;
  kind: 'payment' | 'change';
  reference: string | null;
  details: Record<string, string>;
}

export interface Sale {
  id: string;
  channel: string;
  locationId: string;
  registerId: string | null;
  cashSessionId: string | null;
  customerId: string | null;
  userId: string | null;
  ticketNumber: number;
  invoiceCode: string;
  status: string;
  subtotal: string;
  discountTotal: string;
  taxTotal: string;
  total: string;
  change: string;
  taxes: TaxLine[];
  note: string | null;
  createdAt: string;
  lines: SaleLine[];
  payments: SalePayment[];
}

export interface ParkedTicket {
  id: string;
  locationId: string;
  registerId: string | null;
  userId: string | null;
  label: string | null;
  cart: Record<string, unknown>;
  createdAt: string;
}

export interface Customer {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  rfc: string | null;
}

/** A payment as POST /sales takes it. */
export type PaymentInput =
  | { method: 'cash'; amount: string }
  | {
      method: 'card';
      amount: string;
      reference: string;
      cardType?: 'credito' | 'debito';
      brand?: string;
      last4?: string;
      authCode?: string;
    }
  | { method: 'spei' | 'codi' | 'dimo' | 'voucher'; amount: string; reference: string }
  | { method: 'cheque'; amount: string; reference: string; bank?: string }
  | { method: 'store_credit' | 'on_account'; amount: string };

/** The business data printed on receipts. */
export interface BusinessInfo {
  name: string;
  legalName: string | null;
  rfc: string | null;
  regimenFiscal: string | null;
  timezone: string;
  receiptFooter?: string | null;
}
