import { join } from 'node:path';

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
  logLevel: string;
  publicUrl?: string;
  /** Seconds a web session lasts. */
  sessionTtlSeconds: number;
  /** Cookies marked Secure (set when served over HTTPS). */
  secureCookies: boolean;
  /** Number of app processes to fork (PostgreSQL only). */
  workers: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = env.DATA_DIR ?? './data';
  return {
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    dbPoolSize: Number(env.DB_POOL_SIZE ?? 20),
    saleBatches: Math.max(1, Number(env.SALE_BATCHES ?? 4)),
    secretKey: env.SECRET_KEY || undefined,
    seedDemo: (env.SEED_DEMO ?? 'true') !== 'false',
    backupKeepDays: Number(env.BACKUP_KEEP_DAYS ?? 7),
    backupDir: env.BACKUP_DIR ?? join(dataDir, '..', 'backups'),
    backupEveryHours: Number(env.BACKUP_EVERY_HOURS ?? 24),
    logLevel: env.LOG_LEVEL ?? 'info',
    publicUrl: env.PUBLIC_URL || undefined,
    sessionTtlSeconds: Number(env.SESSION_TTL_SECONDS ?? 12 * 3600),
    secureCookies: env.SECURE_COOKIES === 'true',
    workers: Number(env.WEB_CONCURRENCY ?? 1),
  };
}
