import { z } from 'zod';
import { zMoney } from '../../http/schemas.js';
import { zSaleInput } from '../sales/sales.schemas.js';

export const zReportSaleConflictInput = z.object({
  /** The POST /sales body exactly as the terminal sent it; `sale.id` is the terminal's id. */
  sale: zSaleInput,
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
});

export const zResolveSaleConflictInput = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('retry'), note: z.string().trim().max(500).optional() }),
    z.object({
      action: z.literal('void'),
      note: z
        .string({ error: 'Escribe por qué se anula la venta.' })
        .trim()
        .min(1, 'Escribe por qué se anula la venta.')
        .max(500),
    }),
  ],
  { error: 'La acción debe ser "retry" (registrar de nuevo) o "void" (anular).' },
);

export const zSaleConflictStatus = z.enum(['open', 'recorded', 'voided']);

export const zSaleConflict = z.object({
  id: z.string(),
  saleId: z.string(),
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
  sale: z.record(z.string(), z.unknown()),
});

export const zListSaleConflictsQuery = z.object({
  status: zSaleConflictStatus.optional(),
  locationId: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});
