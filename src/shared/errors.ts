import { LABELS_ES } from './labels.js';
import { formatPesos } from './money.js';

/**
 * One error type for the whole product: a stable code, an HTTP status and details.
 * Messages live in a catalog keyed by code, in es-MX and English; every module registers
 * its codes with `defineErrors` in its `*.errors.ts`.
 */
export interface ErrorSpec {
  status: number;
  es: string;
  en: string;
}

const catalog = new Map<string, ErrorSpec>();

export function defineErrors<const T extends Record<string, ErrorSpec>>(specs: T): { [K in keyof T]: K } {
  const codes = {} as { [K in keyof T]: K };
  for (const [code, spec] of Object.entries(specs)) {
    const known = catalog.get(code);
    if (known && (known.es !== spec.es || known.status !== spec.status)) {
      throw new Error(`error code ${code} defined twice with different texts`);
    }
    catalog.set(code, spec);
    (codes as Record<string, string>)[code] = code;
  }
  return codes;
}

export function errorCatalog(): ReadonlyMap<string, ErrorSpec> {
  return catalog;
}

export type Details = Record<string, unknown>;

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Details;

  constructor(code: string, details: Details = {}, status?: number) {
    const spec = catalog.get(code);
    if (!spec) throw new Error(`unknown error code ${code}: add it to a defineErrors catalog`);
    super(spec.en);
    this.code = code;
    this.status = status ?? spec.status;
    this.details = details;
  }
}

export type Locale = 'es' | 'en';

/** "1234.5" → "$1,234.50"; a value that is not a decimal is left as it is. */
function asPesos(value: string): string {
  return /^-?\d+(\.\d+)?$/.test(value) ? formatPesos(value) : value;
}

/**
 * The message for `code` in `locale`; `{name}` placeholders are filled from details,
 * `{name:label}` with the Spanish word for the value (LABELS_ES), so `{method:label}` reads
 * «saldo a favor» where the details say `store_credit`, and `{name:money}` as pesos ($1,234.50).
 */
export function messageFor(code: string, locale: Locale, details: Details = {}): string {
  const spec = catalog.get(code);
  if (!spec) return code;
  const text = locale === 'en' ? spec.en : spec.es;
  return text.replace(/\{(\w+)(?::(label|money))?\}/g, (whole, k: string, filter?: string) => {
    if (!(k in details)) return whole;
    const value = String(details[k]);
    if (filter === 'label') return LABELS_ES[value] ?? value;
    if (filter === 'money') return asPesos(value);
    return value;
  });
}

/** Accept-Language → locale; es-MX is the default. */
export function localeFrom(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return 'es';
  const first = acceptLanguage.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'es';
}

export const CommonErrors = defineErrors({
  VALIDATION_FAILED: {
    status: 400,
    es: 'Los datos enviados no son válidos: revisa los campos marcados.',
    en: 'The request is not valid: check the listed fields.',
  },
  MALFORMED_JSON: {
    status: 400,
    es: 'El cuerpo de la petición no es JSON válido.',
    en: 'The request body is not valid JSON.',
  },
  NOT_FOUND: { status: 404, es: 'No encontramos lo que buscas.', en: 'Not found.' },
  ROUTE_NOT_FOUND: { status: 404, es: 'Esta dirección no existe.', en: 'No such route.' },
  UNAUTHENTICATED: {
    status: 401,
    es: 'Inicia sesión para continuar.',
    en: 'Authentication required.',
  },
  FORBIDDEN: {
    status: 403,
    es: 'Tu usuario no tiene permiso para esta acción.',
    en: 'Your role may not do this.',
  },
  LOCATION_FORBIDDEN: {
    status: 403,
    es: 'No tienes acceso a esta sucursal.',
    en: 'You have no access to this location.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    es: 'Esta clave de idempotencia ya se usó con otra petición distinta.',
    en: 'This Idempotency-Key was already used with a different request.',
  },
  IDEMPOTENCY_IN_PROGRESS: {
    status: 409,
    es: 'Una petición con esta clave de idempotencia todavía se está procesando.',
    en: 'A request with this Idempotency-Key is still being processed.',
  },
  CONFLICT: {
    status: 409,
    es: 'Los datos cambiaron mientras guardabas; vuelve a intentarlo.',
    en: 'The data changed meanwhile; try again.',
  },
  DUPLICATE: {
    status: 409,
    es: 'Ya existe un registro con esos datos.',
    en: 'A record with these values exists.',
  },
  RATE_LIMITED: {
    status: 429,
    es: 'Demasiados intentos; espera un momento.',
    en: 'Too many attempts; wait a moment.',
  },
  INTERNAL: {
    status: 500,
    es: 'Algo falló de nuestro lado. Ya quedó registrado; intenta de nuevo.',
    en: 'Something failed on our side. It was logged; try again.',
  },
});
