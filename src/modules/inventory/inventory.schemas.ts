import { z } from 'zod';
import { zPositiveQuantity, zQuantity } from '../../http/schemas.js';

export const zReason = z.enum([
  'receipt',
  'sale',
  'return',
  'adjustment',
  'transfer_out',
  'transfer_in',
  'count',
  'reservation_confirm',
  'write_off',
]);
export const zHolderType = z.enum(['order', 'whatsapp_cart', 'online_order']);
export const zReservationStatus = z.enum(['active', 'confirmed', 'released', 'expired']);
export const zTransferStatus = z.enum(['draft', 'sent', 'received', 'cancelled']);
export const zCountStatus = z.enum(['open', 'posted', 'cancelled']);

const zSkuId = z.string().min(1).max(64);
const zLocationId = z.string().min(1).max(64);
export const zIsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Fecha inválida: usa AAAA-MM-DD.');
const zInstant = z.iso.datetime({
  offset: true,
  error: 'Fecha y hora inválidas: usa ISO 8601, p. ej. 2026-11-23T16:00:00Z.',
});
const zNote = z.string().trim().max(500);

export const zStockLevel = z.object({
  skuId: z.string(),
  locationId: z.string(),
  sku: z.string(),
  productName: z.string(),
  onHand: z.string(),
  reserved: z.string(),
  available: z.string(),
  reorderPoint: z.string().nullable(),
  updatedAt: z.string(),
});

export const zMovement = z.object({
  id: z.number(),
  skuId: z.string(),
  locationId: z.string(),
  quantity: z.string(),
  reason: zReason,
  refType: z.string().nullable(),
  refId: z.string().nullable(),
  lotId: z.string().nullable(),
  unitCost: z.string().nullable(),
  note: z.string().nullable(),
  userId: z.string().nullable(),
  createdAt: z.string(),
});

export const zReservation = z.object({
  id: z.string(),
  skuId: z.string(),
  locationId: z.string(),
  quantity: z.string(),
  holderType: zHolderType,
  holderId: z.string(),
  status: zReservationStatus,
  expiresAt: z.string(),
  refType: z.string().nullable(),
  refId: z.string().nullable(),
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
});

export const zLot = z.object({
  id: z.string(),
  skuId: z.string(),
  locationId: z.string(),
  lotCode: z.string(),
  expiresOn: z.string().nullable(),
  quantity: z.string(),
  receivedAt: z.string(),
});

export const zReceiptInput = z.object({
  locationId: zLocationId,
  lines: z
    .array(
      z.object({
        skuId: zSkuId,
        quantity: zPositiveQuantity,
        unitCost: z
          .string()
          .regex(/^\d{1,10}(\.\d{1,4})?$/, 'Costo inválido: hasta cuatro decimales, p. ej. "12.5000".')
          .optional(),
        lotCode: z.string().trim().min(1).max(64).optional(),
        expiresOn: zIsoDate.optional(),
      }),
    )
    .min(1, 'Agrega al menos una línea.')
    .max(500),
  note: zNote.optional(),
  refType: z.string().trim().min(1).max(40).optional(),
  refId: z.string().trim().min(1).max(80).optional(),
});

export const zReceipt = z.object({ id: z.string(), locationId: z.string(), movements: z.array(zMovement) });

export const zAdjustmentInput = z.object({
  locationId: zLocationId,
  skuId: zSkuId,
  quantity: zQuantity
    .refine((v) => !/^-?0+(\.0+)?$/.test(v), { message: 'La cantidad no puede ser cero.' })
    .optional(),
  countedQuantity: zQuantity
    .refine((v) => !v.startsWith('-'), { message: 'No puede ser negativa.' })
    .optional(),
  reason: z.enum(['adjustment', 'write_off']).optional(),
  note: z.string().trim().min(1, 'Explica el motivo del ajuste.').max(500),
});

export const zAdjustment = z.object({
  id: z.string(),
  skuId: z.string(),
  locationId: z.string(),
  delta: z.string(),
  level: zStockLevel.nullable(),
});

export const zReserveInput = z.object({
  skuId: zSkuId,
  locationId: zLocationId,
  quantity: zPositiveQuantity,
  expiresAt: zInstant,
  holderType: zHolderType,
  holderId: z.string().trim().min(1).max(80),
});

export const zConfirmInput = z.object({
  refType: z.string().trim().min(1).max(40),
  refId: z.string().trim().min(1).max(80),
});

export const zTransferLine = z.object({
  skuId: z.string(),
  quantity: z.string(),
  quantityReceived: z.string().nullable(),
  difference: z.string().nullable(),
});

export const zTransfer = z.object({
  id: z.string(),
  fromLocationId: z.string(),
  toLocationId: z.string(),
  status: zTransferStatus,
  note: z.string().nullable(),
  lines: z.array(zTransferLine),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  receivedAt: z.string().nullable(),
});

export const zTransferInput = z.object({
  fromLocationId: zLocationId,
  toLocationId: zLocationId,
  lines: z
    .array(z.object({ skuId: zSkuId, quantity: zPositiveQuantity }))
    .min(1, 'Agrega al menos una línea.')
    .max(500),
  note: zNote.optional(),
});

export const zTransferReceiveInput = z.object({
  lines: z
    .array(
      z.object({
        skuId: zSkuId,
        quantityReceived: zQuantity.refine((v) => !v.startsWith('-'), { message: 'No puede ser negativa.' }),
      }),
    )
    .max(500)
    .optional(),
  note: zNote.optional(),
});

export const zCountLine = z.object({
  skuId: z.string(),
  expected: z.string(),
  counted: z.string().nullable(),
  variance: z.string().nullable(),
});

export const zCount = z.object({
  id: z.string(),
  locationId: z.string(),
  status: zCountStatus,
  note: z.string().nullable(),
  lines: z.array(zCountLine),
  linesCounted: z.number().nullable(),
  linesExact: z.number().nullable(),
  accuracy: z.string().nullable(),
  createdAt: z.string(),
  postedAt: z.string().nullable(),
});

export const zCountInput = z.object({
  locationId: zLocationId,
  skuIds: z.array(zSkuId).max(5000).optional(),
  note: zNote.optional(),
});

export const zCountLinesInput = z.object({
  lines: z
    .array(
      z.object({
        skuId: zSkuId,
        countedQuantity: zQuantity.refine((v) => !v.startsWith('-'), { message: 'No puede ser negativa.' }),
      }),
    )
    .min(1, 'Captura al menos una cantidad.')
    .max(5000),
});
