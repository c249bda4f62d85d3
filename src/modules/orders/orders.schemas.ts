import { z } from 'zod';
import { PAYMENT_METHODS } from '../sales/sales.tables.js';
import { zMoney, zPositiveMoney, zPositiveQuantity } from '../../http/schemas.js';

export const zOrderChannel = z.enum(['counter', 'whatsapp', 'shopify', 'woocommerce', 'storefront'], {
  error: 'Canal inválido: counter, whatsapp, shopify, woocommerce o storefront.',
});
export const zOrderStatus = z.enum([
  'new',
  'confirmed',
  'preparing',
  'ready',
  'out_for_delivery',
  'delivered',
  'cancelled',
]);
export const zFulfilment = z.enum(['pickup', 'delivery', 'dine_in'], {
  error: 'Entrega inválida: pickup (recoge en tienda), delivery (a domicilio) o dine_in (en el local).',
});
export const zPaymentStatus = z.enum(['unpaid', 'paid', 'on_account']);
export const zOrderPaymentMethod = z.enum([...PAYMENT_METHODS, 'online', 'other'], {
  error: 'Forma de pago inválida.',
});

export const zOrderLineInput = z.object({
  skuId: z.string().max(64).optional(),
  /** The SKU code, as channels (Shopify, WooCommerce) send it. */
  sku: z.string().trim().min(1).max(64).optional(),
  quantity: zPositiveQuantity,
  /** A price the channel charged; absent: the catalog's price for the channel. */
  unitPrice: zMoney
    .refine((v) => !v.startsWith('-'), { message: 'El precio no puede ser negativo.' })
    .optional(),
  priceIncludesTax: z.boolean().optional(),
  discount: zMoney
    .refine((v) => !v.startsWith('-'), { message: 'El descuento no puede ser negativo.' })
    .optional(),
});

export const zOrderPaymentInput = z.object({
  method: zOrderPaymentMethod,
  amount: zPositiveMoney,
  reference: z.string().trim().max(200).optional(),
});

export const zOrderInput = z.object({
  /** An id the terminal generated (`ord_…`): sending it again returns the same order. */
  id: z
    .string()
    .regex(/^ord_[0-9A-HJKMNP-TV-Z]{26}$/, 'Identificador inválido: debe empezar con "ord_".')
    .optional(),
  channel: zOrderChannel,
  externalId: z.string().trim().min(1).max(200).optional(),
  locationId: z.string().min(1).max(64),
  customerId: z.string().max(64).optional(),
  /** Find the customer by phone/e-mail, or create it (WhatsApp, web orders). */
  customer: z
    .object({
      phone: z.string().trim().max(40).optional(),
      email: z.email('Correo electrónico inválido.').optional(),
      name: z.string().trim().max(200).optional(),
    })
    .optional(),
  fulfilment: zFulfilment,
  deliveryAddress: z.string().trim().min(1).max(1000).optional(),
  deliveryNotes: z.string().trim().max(1000).optional(),
  notes: z.string().trim().max(2000).optional(),
  lines: z.array(zOrderLineInput).min(1, 'El pedido necesita al menos una línea.').max(200),
  /** How long the stock stays held for this order (default 30 min for WhatsApp and storefront). */
  holdMinutes: z.number().int().min(1).max(10_080).optional(),
  payments: z.array(zOrderPaymentInput).max(10).optional(),
});

export const zTaxLine = z.object({
  tax: z.enum(['IVA', 'IEPS']),
  factor: z.enum(['Tasa', 'Cuota', 'Exento']),
  rate: z.string().nullable(),
  base: z.string(),
  amount: z.string().nullable(),
});

export const zOrderLine = z.object({
  lineNo: z.number(),
  skuId: z.string(),
  sku: z.string(),
  description: z.string(),
  quantity: z.string(),
  unitPrice: z.string(),
  priceIncludesTax: z.boolean(),
  priceSource: z.enum(['catalog', 'channel']),
  discount: z.string(),
  subtotal: z.string(),
  taxTotal: z.string(),
  total: z.string(),
  taxes: z.array(zTaxLine),
  reservationId: z.string().nullable(),
  stockStatus: z.enum(['held', 'confirmed', 'released']),
});

export const zOrderPayment = z.object({
  id: z.number(),
  method: zOrderPaymentMethod,
  amount: z.string(),
  reference: z.string().nullable(),
  recordedBy: z.string().nullable(),
  at: z.string(),
});

export const zStatusChange = z.object({
  from: zOrderStatus.nullable(),
  to: zOrderStatus,
  note: z.string().nullable(),
  by: z.string().nullable(),
  at: z.string(),
});

export const zOrder = z.object({
  id: z.string(),
  number: z.number(),
  channel: zOrderChannel,
  externalId: z.string().nullable(),
  locationId: z.string(),
  customerId: z.string().nullable(),
  /** Who to call or deliver to: the customer's name, phone (E.164) and e-mail. */
  customer: z
    .object({ id: z.string(), name: z.string(), phone: z.string().nullable(), email: z.string().nullable() })
    .nullable(),
  status: zOrderStatus,
  /** The statuses this order may move to next. */
  nextStatuses: z.array(zOrderStatus),
  fulfilment: zFulfilment,
  deliveryAddress: z.string().nullable(),
  deliveryNotes: z.string().nullable(),
  notes: z.string().nullable(),
  lines: z.array(zOrderLine),
  subtotal: z.string(),
  taxTotal: z.string(),
  total: z.string(),
  paidTotal: z.string(),
  balance: z.string(),
  paymentStatus: zPaymentStatus,
  payments: z.array(zOrderPayment),
  holdUntil: z.string().nullable(),
  statusChangedAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  history: z.array(zStatusChange).optional(),
});

export const zStatusInput = z.object({
  status: zOrderStatus,
  note: z.string().trim().max(500).optional(),
});

export const zBoard = z.object({
  counts: z.record(zOrderStatus, z.number()),
  /** delivered and cancelled count from this instant (start of the business day); the rest are open orders. */
  since: z.string(),
});

export const zOrderListQuery = z.object({
  channel: zOrderChannel.optional(),
  status: zOrderStatus.optional(),
  locationId: z.string().max(64).optional(),
  customerId: z.string().max(64).optional(),
  from: z.iso.date('Fecha inválida: usa AAAA-MM-DD.').optional(),
  to: z.iso.date('Fecha inválida: usa AAAA-MM-DD.').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
