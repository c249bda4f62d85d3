import { join } from 'node:path';
import { z } from 'zod';
import { AppError, defineErrors } from './shared/errors.js';

export const ConfigErrors = defineErrors({
  CONFIG_INVALID: {
    status: 500,
    es: 'La configuración no es válida: {problems}. Corrige esas variables de entorno (el README las lista).',
    en: 'The configuration is not valid: {problems}. Fix those environment variables (the README lists them).',
  },
});

/** Every setting comes from the environment; the README lists each one. */
export interface Config {
  port: number;
  host: string;
  /** PostgreSQL URL; absent means the embedded database (PGlite) in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  dbPoolSize: number;
  /** Counter-sale batches in flight at once per process (group commit; PostgreSQL only). */
  saleBatches: number;
  /** Secret for encrypting sensitive fields and signing; generated into the data dir if absent. */
  secretKey?: string;
  /** Seed the demo business on first start. */
  seedDemo: boolean;
  /** Days of automatic backups kept for the embedded database; 0 disables them. */
  backupKeepDays: number;
  backupDir: string;
  /** Hours between automatic backups. */
  backupEveryHours: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  publicUrl?: string;
  /** Seconds a web session lasts. */
  sessionTtlSeconds: number;
  /** Cookies marked Secure (set when served over HTTPS). */
  secureCookies: boolean;
  /** Number of app processes to fork (PostgreSQL only). */
  workers: number;
  /** Who stamps CFDIs: SAT-shaped sandbox, or Finkok with the account below. */
  pac: 'sandbox' | 'finkok';
  /** The Finkok account (FINKOK_*), present when pac is 'finkok'. */
  finkok?: { url: string; username: string; password: string; timeoutMs?: number };
  /** Self-invoicing requests per IP per minute. */
  selfInvoiceRateLimit: number;
}

// Each message says what the variable takes, in the operator's words (joined into one sentence).
const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `se espera un número entero entre ${min} y ${max}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, `se espera un número entero entre ${min} y ${max}`)
        .max(max, `se espera un número entero entre ${min} y ${max}`),
    );
const bool = z
  .enum(['true', 'false', '1', '0'], 'se espera true o false')
  .transform((v) => v === 'true' || v === '1');
const url = (protocols: RegExp, what: string) =>
  z.string().refine((v) => {
    try {
      return protocols.test(new URL(v).protocol);
    } catch {
      return false;
    }
  }, what);

const envSchema = z.object({
  PORT: int(0, 65_535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: url(
    /^postgres(ql)?:$/,
    'se espera una URL postgres://usuario@servidor:puerto/base',
  ).optional(),
  DATA_DIR: z.string().default('./data'),
  DB_POOL_SIZE: int(1, 1000).default(20),
  SALE_BATCHES: int(1, 64).default(2),
  SECRET_KEY: z.string().optional(),
  SEED_DEMO: bool.default(true),
  BACKUP_KEEP_DAYS: int(0, 3650).default(7),
  BACKUP_DIR: z.string().optional(),
  BACKUP_EVERY_HOURS: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'se espera un número de horas mayor que 0 (por ejemplo 24 o 0.5)')
    .transform(Number)
    .pipe(
      z
        .number()
        .min(0.01, 'se espera un número de horas mayor que 0 (por ejemplo 24 o 0.5)')
        .max(8760, 'se esperan a lo más 8760 horas'),
    )
    .default(24),
  LOG_LEVEL: z
    .enum(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      'se espera fatal, error, warn, info, debug, trace o silent',
    )
    .default('info'),
  PUBLIC_URL: url(/^https?:$/, 'se espera una URL http:// o https://').optional(),
  SESSION_TTL_SECONDS: int(60, 31_536_000).default(12 * 3600),
  SECURE_COOKIES: bool.default(false),
  WEB_CONCURRENCY: int(1, 64).default(1),
  PAC: z.enum(['sandbox', 'finkok'], 'se espera sandbox o finkok').default('sandbox'),
  FINKOK_USERNAME: z.string().optional(),
  FINKOK_PASSWORD: z.string().optional(),
  FINKOK_URL: url(/^https?:$/, 'se espera una URL https://').optional(),
  FINKOK_TIMEOUT_MS: int(1, 600_000).optional(),
  SELF_INVOICE_RATE_LIMIT: int(1, 100_000).default(10),
});

/** Names whose values never appear in an error (they are secrets or may hold one). */
const SECRET = /PASSWORD|SECRET|KEY|DATABASE_URL|USERNAME/;

/**
 * The configuration from the environment, checked: a variable that is set but not usable (a
 * port that is not a number, an unknown log level, PAC=finkok without its account) stops the
 * start with CONFIG_INVALID naming each variable, instead of a NaN reaching a timer or a socket.
 * An empty variable counts as unset.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const given = Object.fromEntries(
    Object.keys(envSchema.shape).flatMap((k) => (env[k] === undefined || env[k] === '' ? [] : [[k, env[k]]])),
  );
  const parsed = envSchema.safeParse(given);
  const issues = (parsed.error?.issues ?? []).map((i) => ({ name: String(i.path[0]), expected: i.message }));
  if (given.PAC === 'finkok') {
    for (const name of ['FINKOK_USERNAME', 'FINKOK_PASSWORD']) {
      if (!given[name]) issues.push({ name, expected: 'falta (es obligatoria con PAC=finkok)' });
    }
  }
  if (!parsed.success || issues.length > 0) {
    const variables = issues.map(({ name, expected }) => {
      const value = SECRET.test(name) ? undefined : given[name];
      return { name, ...(value === undefined ? {} : { value }), expected };
    });
    const problems = variables
      .map((v) => `${v.name}${v.value === undefined ? '' : `=${JSON.stringify(v.value)}`}: ${v.expected}`)
      .join('; ');
    throw new AppError('CONFIG_INVALID', { problems, variables });
  }
  const e = parsed.data!;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    dbPoolSize: e.DB_POOL_SIZE,
    saleBatches: e.SALE_BATCHES,
    secretKey: e.SECRET_KEY,
    seedDemo: e.SEED_DEMO,
    backupKeepDays: e.BACKUP_KEEP_DAYS,
    backupDir: e.BACKUP_DIR ?? join(e.DATA_DIR, '..', 'backups'),
    backupEveryHours: e.BACKUP_EVERY_HOURS,
    logLevel: e.LOG_LEVEL,
    publicUrl: e.PUBLIC_URL,
    sessionTtlSeconds: e.SESSION_TTL_SECONDS,
    secureCookies: e.SECURE_COOKIES,
    workers: e.WEB_CONCURRENCY,
    pac: e.PAC,
    ...(e.PAC === 'finkok'
      ? {
          finkok: {
            url: e.FINKOK_URL ?? 'https://demo-facturacion.finkok.com',
            username: e.FINKOK_USERNAME!,
            password: e.FINKOK_PASSWORD!,
            timeoutMs: e.FINKOK_TIMEOUT_MS,
          },
        }
      : {}),
    selfInvoiceRateLimit: e.SELF_INVOICE_RATE_LIMIT,
  };
}
