import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { AppError, messageFor } from './shared/errors.js';

function refusal(env: Record<string, string>): AppError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('configuration from the environment', () => {
  it('fills every default when nothing is set, and an empty variable counts as unset', () => {
    const c = loadConfig({ PORT: '', LOG_LEVEL: '' });
    expect(c).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      dataDir: './data',
      backupDir: join('.', 'backups'),
      dbPoolSize: 20,
      saleBatches: 2,
      seedDemo: true,
      backupKeepDays: 7,
      backupEveryHours: 24,
      logLevel: 'info',
      sessionTtlSeconds: 43_200,
      secureCookies: false,
      workers: 1,
      pac: 'sandbox',
      selfInvoiceRateLimit: 10,
    });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.finkok).toBeUndefined();
  });

  it('reads each set variable into its type', () => {
    const c = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://pos@db.local:5432/mostrador',
      DATA_DIR: '/srv/pos/data',
      SEED_DEMO: 'false',
      BACKUP_EVERY_HOURS: '0.5',
      BACKUP_KEEP_DAYS: '0',
      LOG_LEVEL: 'warn',
      SECURE_COOKIES: '1',
      WEB_CONCURRENCY: '2',
      PUBLIC_URL: 'https://pos.example.mx',
      PAC: 'finkok',
      FINKOK_USERNAME: 'u',
      FINKOK_PASSWORD: 'p',
    });
    expect(c).toMatchObject({
      port: 8080,
      databaseUrl: 'postgres://pos@db.local:5432/mostrador',
      backupDir: '/srv/pos/backups',
      seedDemo: false,
      backupEveryHours: 0.5,
      backupKeepDays: 0,
      logLevel: 'warn',
      secureCookies: true,
      workers: 2,
      publicUrl: 'https://pos.example.mx',
      pac: 'finkok',
      finkok: { url: 'https://demo-facturacion.finkok.com', username: 'u', password: 'p' },
    });
  });

  it('refuses unusable values, naming every variable and what it takes', () => {
    const e = refusal({
      PORT: 'tres mil',
      BACKUP_EVERY_HOURS: '0',
      LOG_LEVEL: 'verbose',
      SEED_DEMO: 'no',
      DB_POOL_SIZE: '2.5',
      DATABASE_URL: 'mysql://root:hunter2@localhost/pos',
      PAC: 'finkok',
      FINKOK_PASSWORD: 'hunter2',
    });
    expect(e.code).toBe('CONFIG_INVALID');
    const vars = e.details.variables as { name: string; value?: string; expected: string }[];
    expect(vars.map((v) => v.name).sort()).toEqual(
      [
        'BACKUP_EVERY_HOURS',
        'DATABASE_URL',
        'DB_POOL_SIZE',
        'FINKOK_USERNAME',
        'LOG_LEVEL',
        'PORT',
        'SEED_DEMO',
      ].sort(),
    );
    expect(vars.find((v) => v.name === 'PORT')).toEqual({
      name: 'PORT',
      value: 'tres mil',
      expected: 'se espera un número entero entre 0 y 65535',
    });
    const message = messageFor(e.code, 'es', e.details);
    expect(message).toContain(
      'LOG_LEVEL="verbose": se espera fatal, error, warn, info, debug, trace o silent',
    );
    expect(message).toContain('FINKOK_USERNAME: falta (es obligatoria con PAC=finkok)');
    // a secret (or a URL that may carry one) is named, never echoed
    expect(message).not.toContain('hunter2');
    expect(JSON.stringify(e.details)).not.toContain('hunter2');
  });

  it('the server refuses to start with a bad variable, in one sentence and exit code 1', () => {
    const r = spawnSync(process.execPath, ['src/start.mjs'], {
      env: { ...process.env, PORT: 'abc', DATA_DIR: join(tmpdir(), 'mostrador-never-created') },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Error CONFIG_INVALID: La configuración no es válida: PORT="abc"');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  }, 90_000);

  it("the server's stack traces point at src/*.ts through the bundle's source map", () => {
    // DATA_DIR under a file: creating it fails inside src/server.ts with a stack trace.
    const dir = mkdtempSync(join(tmpdir(), 'mostrador-config-'));
    try {
      writeFileSync(join(dir, 'file'), 'x');
      const r = spawnSync(process.execPath, ['src/start.mjs'], {
        env: { ...process.env, PORT: '0', DATA_DIR: join(dir, 'file', 'data') },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('ENOTDIR');
      expect(r.stderr).toMatch(/at (async )?main \(src\/server\.ts:\d+:\d+\)/);
      expect(r.stderr).not.toContain('dist/server.cjs');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
