import { z } from 'zod';
import { ACCOUNT_PAYMENT_METHODS } from './accounts.tables.js';
import { zId, zNonNegativeMoney, zPositiveMoney } from '../../http/schemas.js';

const zMethod = z.enum(ACCOUNT_PAYMENT_METHODS);

export const zAccountPaymentInput = z
  .object({
    /**
     * The terminal's own id for this payment (`acm_` + ULID), its idempotency key: sent again
     * with the same body, the payment is answered as recorded the first time (an abono taken
     * while offline is queued under it).
     */
    id: zId('acm').optional(),
    amount: zPositiveMoney,
    method: zMethod,
    /** Card authorisation, clave de rastreo, cheque number, voucher folio. */
    reference: z.string().trim().min(1).max(100).optional(),
    /** The register that receives it: its open session shows it on the corte. Required for cash. */
    registerId: z.string().max(64).optional(),
    note: z.string().trim().max(500).optional(),
  })
  .refine((p) => p.method === 'cash' || p.reference !== undefined, {
    message: 'Indica la referencia del pago (autorización, clave de rastreo, número de cheque o folio).',
    path: ['reference'],
  });

/** One line of a customer's statement: a purchase on account, a payment or a return credited. */
export const zStatementEntry = z.object({
  /** opening: a debt from before the shop kept accounts here (the notebook), added by a manager */
  kind: z.enum(['charge', 'opening', 'payment', 'return']),
  at: z.string(),
  /** Positive: what it adds to the debt (a charge) or takes off it (a payment, a return). */
  amount: z.string(),
  /** The debt right after this entry. */
  balanceAfter: z.string(),
  saleId: z.string().nullable(),
  ticketNumber: z.number().nullable(),
  movementId: z.string().nullable(),
  method: z.string().nullable(),
  reference: z.string().nullable(),
  note: z.string().nullable(),
});

export const zCreditLimitInput = z.object({
  /** How much the customer may owe on account; null removes the limit. */
  creditLimit: zNonNegativeMoney.nullable(),
});

/**
 * What is owed by how long ago it was bought: abonos and returns pay the oldest purchases on
 * account first, so what is still owed is the newest of them.
 */
export const zAging = z
  .object({
    upTo30: z.string(),
    from31To60: z.string(),
    from61To90: z.string(),
    over90: z.string(),
  })
  .describe('Days since the purchase on account, as of now, in the business’s money.');

export const zAccount = z.object({
  customerId: z.string(),
  /** How much they may owe; null: no limit. */
  creditLimit: z.string().nullable(),
  /** What the customer owes now (bought on account minus paid and returned). */
  balance: z.string(),
  charged: z.string(),
  /** Debts carried over from before the shop kept accounts here. */
  opening: z.string(),
  paid: z.string(),
  returned: z.string(),
  lastChargeAt: z.string().nullable(),
  lastPaymentAt: z.string().nullable(),
  /** The oldest purchase on account not paid yet (in full or in part). */
  oldestUnpaidAt: z.string().nullable(),
  aging: zAging,
  /** Newest first, up to `limit` entries. */
  statement: z.array(zStatementEntry),
});

/** A debt the customer had before the shop kept accounts here (the fiado notebook). */
export const zOpeningBalanceInput = z.object({
  amount: zPositiveMoney,
  /** The business day that debt began (YYYY-MM-DD): today or earlier. */
  since: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Fecha AAAA-MM-DD.')
    .refine((d) => {
      const t = new Date(`${d}T12:00:00Z`);
      return !Number.isNaN(t.getTime()) && t.toISOString().startsWith(d);
    }, 'Esa fecha no existe.'),
  note: z.string().trim().max(500).optional(),
});

export const zAccountMovement = z.object({
  id: z.string(),
  customerId: z.string(),
  kind: z.enum(['payment', 'return', 'opening']),
  amount: z.string(),
  method: z.string().nullable(),
  reference: z.string().nullable(),
  registerId: z.string().nullable(),
  cashSessionId: z.string().nullable(),
  refType: z.string().nullable(),
  refId: z.string().nullable(),
  note: z.string().nullable(),
  userId: z.string().nullable(),
  createdAt: z.string(),
});

export const zReceivable = z.object({
  customerId: z.string(),
  name: z.string(),
  phone: z.string().nullable(),
  balance: z.string(),
  lastChargeAt: z.string().nullable(),
  lastPaymentAt: z.string().nullable(),
  /** The oldest purchase on account not paid yet (in full or in part). */
  oldestUnpaidAt: z.string().nullable(),
  aging: zAging,
});

export const zReceivables = z.object({
  /** Customers who owe, largest debt first: this page of them. */
  items: z.array(zReceivable),
  /** How many customers owe, what they owe in all and by age: everyone, not just this page. */
  count: z.number(),
  total: z.string(),
  aging: zAging,
});

/** A CFDI de pago an abono issued on one of the customer's credit (PPD) invoices, or why not. */
export const zAbonoInvoicePayment = z.object({
  invoiceId: z.string(),
  invoice: z.string().describe('serie-folio'),
  amount: z.string(),
  pagoInvoiceId: z
    .string()
    .nullable()
    .describe('the CFDI de pago (kind pago); null when it could not be issued'),
  errorCode: z.string().nullable().describe('why it was not issued: record that payment in Facturación'),
});
