import { z } from 'zod';
import { zId, zMoney, zPositiveMoney } from '../../http/schemas.js';

export const zRegisterInput = z.object({
  locationId: z.string().min(1),
  name: z.string().trim().min(1).max(60),
});

export const zRegister = z.object({
  id: z.string(),
  locationId: z.string(),
  name: z.string(),
  active: z.boolean(),
  openCashSessionId: z.string().nullable(),
});

export const zOpenCashSessionInput = z.object({
  registerId: zId('reg'),
  openingFloat: zMoney.refine((v) => !v.startsWith('-'), 'El fondo inicial no puede ser negativo.'),
  note: z.string().max(500).optional(),
});

export const zCashMovementInput = z.object({
  kind: z.enum(['in', 'out']),
  amount: zPositiveMoney,
  reason: z.string().trim().min(1, 'Indica el motivo del movimiento.').max(200),
});

export const zDenomination = z.object({
  denomination: zPositiveMoney,
  count: z.number().int().min(0).max(100000),
});

export const zCloseCashSessionInput = z.object({
  countedCash: zMoney.refine((v) => !v.startsWith('-'), 'El efectivo contado no puede ser negativo.'),
  denominations: z.array(zDenomination).max(30).optional(),
  note: z.string().max(500).optional(),
});

export const zCashMovement = z.object({
  id: z.string(),
  cashSessionId: z.string(),
  kind: z.enum(['in', 'out', 'refund']),
  method: z.string(),
  amount: z.string(),
  reason: z.string(),
  refType: z.string().nullable(),
  refId: z.string().nullable(),
  userId: z.string().nullable(),
  createdAt: z.string(),
});

export const zMethodTotals = z.object({
  method: z.string(),
  /** Sale payments on this method (cash: net of change). */
  sales: z.string(),
  refunds: z.string(),
  expected: z.string(),
});

/** A corte: X while the session is open, Z once it is closed. */
export const zCashReport = z.object({
  cashSessionId: z.string(),
  registerId: z.string(),
  locationId: z.string(),
  status: z.enum(['open', 'closed']),
  openingFloat: z.string(),
  openedAt: z.string(),
  openedBy: z.string().nullable(),
  closedAt: z.string().nullable(),
  closedBy: z.string().nullable(),
  salesCount: z.number(),
  salesTotal: z.string(),
  byMethod: z.array(zMethodTotals),
  cashIn: z.string(),
  cashOut: z.string(),
  cashRefunds: z.string(),
  expectedCash: z.string(),
  countedCash: z.string().nullable(),
  difference: z.string().nullable(),
  denominations: z.array(zDenomination).nullable(),
});

export const zCashSession = z.object({
  id: z.string(),
  registerId: z.string(),
  locationId: z.string(),
  status: z.enum(['open', 'closed']),
  openingFloat: z.string(),
  openedAt: z.string(),
  openedBy: z.string().nullable(),
  closedAt: z.string().nullable(),
  expectedCash: z.string().nullable(),
  countedCash: z.string().nullable(),
  difference: z.string().nullable(),
});
