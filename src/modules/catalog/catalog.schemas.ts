import { z } from 'zod';
import { zMoney, zQuantity } from '../../http/schemas.js';

export const zChannel = z.enum(['counter', 'whatsapp', 'online']);
export const zIva = z.enum(['iva16', 'iva8', 'iva0', 'exento']);

export const zChannelSetting = z.object({
  available: z.boolean().optional(),
  price: zMoney.optional(),
});

export const zChannels = z.object({
  counter: zChannelSetting.optional(),
  whatsapp: zChannelSetting.optional(),
  online: zChannelSetting.optional(),
});

export const zIeps = z
  .object({
    type: z.enum(['rate', 'quota']),
    value: z
      .string()
      .regex(/^\d{1,6}(\.\d{1,6})?$/, 'IEPS: tasa (p. ej. "0.080000") o cuota por unidad (p. ej. "1.6451").'),
  })
  .nullable();

export const zSkuInput = z.object({
  sku: z.string().trim().min(1).max(64),
  variantName: z.string().trim().max(120).optional(),
  attributes: z.record(z.string(), z.string()).optional(),
  price: zMoney,
  cost: z
    .string()
    .regex(/^\d{1,10}(\.\d{1,4})?$/, 'Costo inválido: hasta cuatro decimales, p. ej. "12.5000".')
    .optional(),
  barcodes: z.array(z.string().trim()).max(20).optional(),
  channels: zChannels.optional(),
  reorderPoint: zQuantity.optional(),
  active: z.boolean().optional(),
});

export const zProductInput = z.object({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).optional(),
  categoryId: z.string().nullable().optional(),
  claveProdServ: z.string().regex(/^\d{8}$/, 'La clave SAT de producto tiene 8 dígitos.'),
  claveUnidad: z.string().trim().min(1).max(3),
  unitName: z.string().trim().min(1).max(40).optional(),
  soldByWeight: z.boolean().optional(),
  priceIncludesTax: z.boolean().optional(),
  iva: zIva,
  ieps: zIeps.optional(),
  imageUrls: z.array(z.url()).max(10).optional(),
  trackLots: z.boolean().optional(),
  skus: z.array(zSkuInput).min(1, 'El producto necesita al menos un SKU.').max(200),
});

export const zProductPatch = zProductInput
  .omit({ skus: true })
  .partial()
  .extend({ active: z.boolean().optional() });
export const zSkuPatch = zSkuInput.partial();

export const zSku = z.object({
  id: z.string(),
  productId: z.string(),
  sku: z.string(),
  variantName: z.string(),
  attributes: z.record(z.string(), z.string()),
  price: z.string(),
  cost: z.string().nullable(),
  barcodes: z.array(z.string()),
  channels: zChannels,
  reorderPoint: z.string().nullable(),
  active: z.boolean(),
  version: z.number(),
});

export const zProduct = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  categoryId: z.string().nullable(),
  claveProdServ: z.string(),
  claveUnidad: z.string(),
  unitName: z.string(),
  soldByWeight: z.boolean(),
  priceIncludesTax: z.boolean(),
  iva: zIva,
  ieps: z.object({ type: z.enum(['rate', 'quota']), value: z.string() }).nullable(),
  imageUrls: z.array(z.string()),
  trackLots: z.boolean(),
  active: z.boolean(),
  skus: z.array(zSku),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** One SKU as a seller sees it: product fields flattened in (for scanning and search). */
export const zSellableSku = zSku.extend({
  productName: z.string(),
  claveProdServ: z.string(),
  claveUnidad: z.string(),
  unitName: z.string(),
  soldByWeight: z.boolean(),
  priceIncludesTax: z.boolean(),
  iva: zIva,
  ieps: z.object({ type: z.enum(['rate', 'quota']), value: z.string() }).nullable(),
  trackLots: z.boolean(),
  imageUrls: z.array(z.string()),
});

export const zCategory = z.object({ id: z.string(), name: z.string(), parentId: z.string().nullable() });
