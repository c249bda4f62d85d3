import { z } from 'zod';
import { MONEY_RE, QUANTITY_RE } from '../shared/money.js';

/** Money in JSON is a decimal string with at most two decimals: `"149.90"`. */
export const zMoney = z
  .string({ error: 'El importe debe enviarse como texto decimal, p. ej. "149.90" (no como número).' })
  .regex(MONEY_RE, 'Importe inválido: usa hasta dos decimales con punto, p. ej. "149.90".');

/** A positive money amount. */
export const zPositiveMoney = zMoney.refine((v) => !v.startsWith('-') && !/^0+(\.0+)?$/.test(v), {
  message: 'El importe debe ser mayor que cero.',
});

/** Quantities are decimal strings with at most three decimals (`"0.750"` kg). */
export const zQuantity = z
  .string({ error: 'La cantidad debe enviarse como texto decimal, p. ej. "1" o "0.750" (no como número).' })
  .regex(QUANTITY_RE, 'Cantidad inválida: usa hasta tres decimales con punto, p. ej. "0.750".');

export const zPositiveQuantity = zQuantity.refine((v) => !v.startsWith('-') && !/^0+(\.0+)?$/.test(v), {
  message: 'La cantidad debe ser mayor que cero.',
});

export const zId = (prefix: string) =>
  z
    .string()
    .regex(
      new RegExp(`^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$`),
      `Identificador inválido: debe empezar con "${prefix}_".`,
    );

export const zErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()) }),
});

export const zPageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});

/** Cursor pagination: `nextCursor` is null on the last page. */
export function page<T extends z.ZodTypeAny>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export function encodeCursor(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  return Buffer.from(cursor, 'base64url').toString('utf8');
}

export const zOk = z.object({ ok: z.literal(true) });
