import { z } from 'zod';
import { zId, zMoney } from '../../http/schemas.js';
import { zReturnInput } from '../returns/returns.schemas.js';
import { zSaleInput } from '../sales/sales.schemas.js';

export const zReportSaleConflictInput = z
  .object({
    /** The POST /sales body exactly as the terminal sent it; `sale.id` is the terminal's id. */
    sale: zSaleInput.optional(),
    /**
     * Or a return the till made offline (its refund already paid): the POST /returns body as the
     * till sent it, with the till's id for it.
     */
    return: zReturnInput.extend({ id: zId('ret') }).optional(),
    /** What the server answered when the terminal sent the sale. */
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
    /** The terminal's clock when the cashier charged. */
    soldAt: z.iso.datetime({ message: 'Fecha y hora ISO 8601, p. ej. 2026-11-23T16:00:00Z.' }).optional(),
    /** The total the terminal showed the customer. */
    total: zMoney.optional(),
    /** A short description of the lines (what the cashier saw). */
    summary: z.string().trim().max(500).optional(),
  })
  .refine((r) => (r.sale === undefined) !== (r.return === undefined), {
    message: 'Envía la venta (sale) o la devolución (return) que el servidor rechazó, una de las dos.',
    path: ['sale'],
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

export const zSaleConflict = z.object({
  id: z.string(),
  /** `sale`: a sale the server refused; `return`: a return (its refund already paid at the till). */
  kind: z.enum(['sale', 'return']),
  /** The terminal's sale id; for a return, the sale it returns. */
  saleId: z.string(),
  /** kind `return`: the till's id for the return (also the return's id once recorded). */
  returnId: z.string().nullable(),
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
  /** kind `return`: the POST /returns body; `total` is the refund the till paid. */
  return: z.record(z.string(), z.unknown()).nullable(),
});

export const zListSaleConflictsQuery = z.object({
  status: zSaleConflictStatus.optional(),
  kind: z.enum(['sale', 'return']).optional(),
  locationId: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});
