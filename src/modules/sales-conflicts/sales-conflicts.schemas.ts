import { z } from 'zod';
import { zMoney } from '../../http/schemas.js';
import { zAccountPaymentInput } from '../accounts/accounts.schemas.js';
import { zCashMovementInput } from '../cash/cash.schemas.js';
import { zReturnInput } from '../returns/returns.schemas.js';
import { zSaleInput } from '../sales/sales.schemas.js';

/** What a till may report as refused: one of these per report. */
const REPORTED = ['sale', 'return', 'cashMovement', 'accountPayment'] as const;

export const zReportSaleConflictInput = z
  .object({
    /** The POST /sales body exactly as the terminal sent it; `sale.id` is the terminal's id. */
    sale: zSaleInput.optional(),
    /**
     * Or a return the till made offline (its refund already paid): the POST /returns body as the
     * till sent it, with the till's `ret_` id.
     */
    return: zReturnInput.optional(),
    /** Or cash in/out made offline: the session it was made in and the body, with its `cmv_` id. */
    cashMovement: z
      .object({ cashSessionId: z.string().trim().min(1).max(64), movement: zCashMovementInput })
      .optional(),
    /** Or an abono taken offline: the customer and the body, with its `acm_` id. */
    accountPayment: z
      .object({ customerId: z.string().trim().min(1).max(64), payment: zAccountPaymentInput })
      .optional(),
    /** What the server answered when the terminal sent it. */
    error: z.object({
      code: z
        .string()
        .trim()
        .min(1, 'Indica el código de error que dio el servidor.')
        .max(64)
        .regex(/^[A-Z0-9_]+$/, 'El código de error va en mayúsculas, p. ej. STOCK_INSUFFICIENT.'),
      message: z.string().max(500).optional(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
    /** The terminal's clock when the cashier charged (or returned, moved cash, took the abono). */
    soldAt: z.iso.datetime({ message: 'Fecha y hora ISO 8601, p. ej. 2026-11-23T16:00:00Z.' }).optional(),
    /** The total the terminal showed: charged, refunded, moved or received. */
    total: zMoney.optional(),
    /** A short description (what the cashier saw). */
    summary: z.string().trim().max(500).optional(),
  })
  .superRefine((r, ctx) => {
    const sent = REPORTED.filter((k) => r[k] !== undefined);
    if (sent.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['sale'],
        message:
          'Envía una sola operación rechazada: la venta (sale), la devolución (return), el movimiento de efectivo (cashMovement) o el abono (accountPayment).',
      });
      return;
    }
    const missingId =
      sent[0] === 'return'
        ? !r.return?.id && ['return', 'id']
        : sent[0] === 'cashMovement'
          ? !r.cashMovement?.movement.id && ['cashMovement', 'movement', 'id']
          : sent[0] === 'accountPayment'
            ? !r.accountPayment?.payment.id && ['accountPayment', 'payment', 'id']
            : false;
    if (missingId)
      ctx.addIssue({
        code: 'custom',
        path: missingId,
        message: 'Falta el id que la caja le dio a la operación (con él se registra una sola vez).',
      });
  });

export const zResolveSaleConflictInput = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('retry'), note: z.string().trim().max(500).optional() }),
    z.object({
      action: z.literal('void'),
      note: z
        .string({ error: 'Escribe por qué se anula.' })
        .trim()
        .min(1, 'Escribe por qué se anula.')
        .max(500),
    }),
  ],
  { error: 'La acción debe ser "retry" (registrar de nuevo) o "void" (anular).' },
);

export const zSaleConflictStatus = z.enum(['open', 'recorded', 'voided']);
export const zSaleConflictKind = z.enum(['sale', 'return', 'cash_movement', 'account_payment']);

export const zSaleConflict = z.object({
  id: z.string(),
  /**
   * `sale`: a sale the server refused; `return`: a return (its refund already paid at the till);
   * `cash_movement`: cash in/out; `account_payment`: an abono on a customer's account.
   */
  kind: zSaleConflictKind,
  /** The terminal's sale id; for a return, the sale it returns; null for the other kinds. */
  saleId: z.string().nullable(),
  /** The till's id for a return, movement or abono (also its id once recorded). */
  operationId: z.string().nullable(),
  /** cash_movement: the cash session it was made in; account_payment: the customer. */
  targetId: z.string().nullable(),
  registerId: z.string().nullable(),
  locationId: z.string().nullable(),
  cashSessionId: z.string().nullable(),
  status: zSaleConflictStatus,
  errorCode: z.string(),
  errorMessage: z.string().nullable(),
  errorDetails: z.record(z.string(), z.unknown()),
  total: z.string().nullable(),
  summary: z.string().nullable(),
  soldAt: z.string().nullable(),
  reportedBy: z.string().nullable(),
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  resolutionNote: z.string().nullable(),
  /** The ticket number the sale got when a retry recorded it. */
  ticketNumber: z.number().nullable(),
  /** kind `sale`: the POST /sales body; `total` is what the till charged. */
  sale: z.record(z.string(), z.unknown()).nullable(),
  /**
   * The other kinds: the body as the till sent it; `total` is the refund paid, the cash moved or
   * the abono received.
   */
  operation: z.record(z.string(), z.unknown()).nullable(),
});

export const zListSaleConflictsQuery = z.object({
  status: zSaleConflictStatus.optional(),
  kind: zSaleConflictKind.optional(),
  locationId: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});
