import { z } from 'zod';
import { zConsentRecord, zCustomer } from '../customers/customers.schemas.js';
import { zInvoice } from '../invoicing/invoicing.schemas.js';
import { zOrder } from '../orders/orders.schemas.js';
import { zReturn } from '../returns/returns.schemas.js';
import { zSale } from '../sales/sales.schemas.js';

export const zPrivacyRequestKind = z.enum(['access', 'rectification', 'cancellation', 'opposition'], {
  error:
    'Tipo de solicitud inválido: access (acceso), rectification (rectificación), cancellation (cancelación) u opposition (oposición).',
});

export const zPrivacyRequestChannel = z.enum(['counter', 'whatsapp', 'online', 'phone', 'email', 'other'], {
  error: 'Medio inválido: counter, whatsapp, online, phone, email u other.',
});

export const zPrivacyRequestInput = z.object({
  customerId: z.string().min(1).max(64),
  kind: zPrivacyRequestKind,
  channel: zPrivacyRequestChannel,
  details: z.string().trim().max(2000).optional(),
  /** When the person asked, if not now (a letter received yesterday); the deadline counts from it. */
  receivedAt: z.iso
    .datetime({ offset: true, error: 'Fecha inválida: usa ISO 8601, p. ej. 2026-12-04T10:00:00-06:00.' })
    .optional(),
});

export const zResolvePrivacyRequestInput = z.object({
  status: z.enum(['done', 'refused'], { error: 'Indica done (atendida) o refused (negada).' }),
  resolution: z.string().trim().max(2000).optional(),
});

export const zPrivacyRequest = z.object({
  id: z.string(),
  customerId: z.string(),
  /** Who asked, as the profile reads now (empty once erased). */
  customer: z.object({ name: z.string(), phone: z.string().nullable(), email: z.string().nullable() }),
  kind: zPrivacyRequestKind,
  channel: zPrivacyRequestChannel,
  details: z.string().nullable(),
  status: z.enum(['open', 'done', 'refused']),
  receivedAt: z.string(),
  /** The last day to answer: 20 business days after it was received (LFPDPPP). */
  dueOn: z.string(),
  overdue: z.boolean(),
  resolution: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
});

export const zPrivacyRequestList = z.object({
  items: z.array(zPrivacyRequest),
  openCount: z.number(),
  overdueCount: z.number(),
});

export const zListPrivacyRequestsQuery = z.object({
  status: z.enum(['open', 'done', 'refused']).optional(),
  customerId: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const zPersonalData = z.object({
  generatedAt: z.string(),
  /** Who holds the data (the responsable under the LFPDPPP). */
  business: z.object({ name: z.string(), legalName: z.string().nullable(), rfc: z.string().nullable() }),
  customer: zCustomer,
  /** Profiles of the same person merged into this one. */
  mergedProfiles: z.array(zCustomer),
  consents: z.array(zConsentRecord.extend({ customerId: z.string() })),
  orders: z.array(zOrder),
  sales: z.array(zSale),
  returns: z.array(zReturn),
  storeCredit: z.object({ balance: z.string() }),
  invoices: z.array(zInvoice),
  privacyRequests: z.array(zPrivacyRequest),
  /** What the business must keep whatever the person asks, and why. */
  retainedByLaw: z.array(z.string()),
});

export const zEraseInput = z.object({
  /** The cancellation request this fulfils: it is marked done in the same step. */
  requestId: z.string().max(64).optional(),
  reason: z.string().trim().max(2000).optional(),
});

export const zErasure = z.object({
  customerId: z.string(),
  erasedProfiles: z.array(z.string()),
  ordersCleared: z.number(),
  saleNotesCleared: z.number(),
  returnNotesCleared: z.number(),
  eventsScrubbed: z.number(),
  storedAnswersForgotten: z.number(),
  /** Kept for the tax law: the sales and invoices stay, without the person's contact data. */
  kept: z.object({ sales: z.number(), invoices: z.number() }),
  request: zPrivacyRequest.nullable(),
});
