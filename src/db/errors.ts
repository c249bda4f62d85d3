import { AppError, defineErrors } from '../shared/errors.js';

export const DbErrors = defineErrors({
  REFERENCE_NOT_FOUND: {
    status: 422,
    es: 'Se hace referencia a un registro que no existe.',
    en: 'The request refers to a record that does not exist.',
  },
  APPEND_ONLY: {
    status: 409,
    es: 'Este registro es de solo adición: no se puede modificar ni borrar.',
    en: 'This record is append-only: it cannot be changed or deleted.',
  },
});

interface PgLikeError {
  code?: string;
  message?: string;
  detail?: string;
  hint?: string;
  constraint?: string;
  constraint_name?: string;
}

/** Maps a unique constraint name to the error code its module registered (`skus_sku_key` → `SKU_DUPLICATE`). */
const uniqueCodes = new Map<string, string>();

export function registerUniqueConstraint(constraint: string, code: string): void {
  uniqueCodes.set(constraint, code);
}

/**
 * Translates a PostgreSQL (or PGlite) error into an AppError, once, here. PL/pgSQL raises an
 * AppError code as its message with `errcode = 'P0001'` and JSON details in `detail`.
 */
export function translateDbError(err: unknown): unknown {
  if (err instanceof AppError || typeof err !== 'object' || err === null) return err;
  const e = err as PgLikeError;
  if (!e.code) return err;
  const constraint = e.constraint ?? e.constraint_name;
  switch (e.code) {
    case '23505':
      return new AppError((constraint && uniqueCodes.get(constraint)) || 'DUPLICATE', { constraint });
    case '23503':
      return new AppError('REFERENCE_NOT_FOUND', { constraint });
    case '40001':
    case '40P01':
      return new AppError('CONFLICT', {});
    case 'P0001': {
      if (e.hint === 'APPEND_ONLY') return new AppError('APPEND_ONLY', {});
      const code = e.message ?? '';
      if (/^[A-Z][A-Z0-9_]+$/.test(code)) {
        let details: Record<string, unknown> = {};
        try {
          details = e.detail ? JSON.parse(e.detail) : {};
        } catch {
          details = { detail: e.detail };
        }
        try {
          return new AppError(code, details);
        } catch {
          return err;
        }
      }
      return err;
    }
    default:
      return err;
  }
}
