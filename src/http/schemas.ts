import { z } from 'zod';
import { AppError, defineErrors } from '../shared/errors.js';
import { MONEY_RE, QUANTITY_RE } from '../shared/money.js';

/** Money in JSON is a decimal string with at most two decimals: `"149.90"`. */
export const zMoney = z
  .string({ error: 'El importe debe enviarse como texto decimal, p. ej. "149.90" (no como número).' })
  .regex(MONEY_RE, 'Importe inválido: usa hasta dos decimales con punto, p. ej. "149.90".');

/** A positive money amount. */
export const zPositiveMoney = zMoney.refine((v) => !v.startsWith('-') && !/^0+(\.0+)?$/.test(v), {
  message: 'El importe debe ser mayor que cero.',
});

/** A money amount that may be zero, never negative. */
export const zNonNegativeMoney = zMoney.refine(
  (v) => !v.startsWith('-'),
  'El importe no puede ser negativo.',
);

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

export const CursorErrors = defineErrors({
  CURSOR_INVALID: {
    status: 400,
    es: 'El cursor de paginación no es válido: envía el nextCursor de la respuesta anterior tal cual.',
    en: 'The pagination cursor is not valid: send the nextCursor of the previous answer as it came.',
  },
});

// A cursor carries a marker, so one that was not issued here (typed by hand, cut short, from
// another list's older format) is refused instead of silently paging from somewhere else.
const CURSOR_MARK = 'c1:';

/** An opaque `nextCursor` for the position `value` (a key the list continues after). */
export function encodeCursor(value: string): string {
  return Buffer.from(CURSOR_MARK + value, 'utf8').toString('base64url');
}

/** The position a `cursor` stands for; CURSOR_INVALID when it is not one this API issued. */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  const text = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!text.startsWith(CURSOR_MARK) || text.length === CURSOR_MARK.length)
    throw new AppError('CURSOR_INVALID');
  return text.slice(CURSOR_MARK.length);
}

export const zOk = z.object({ ok: z.literal(true) });
