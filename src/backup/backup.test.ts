import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestBusiness, type TestEnv } from '../../test/helpers/app.js';
import { freshDatabase, TEST_DB } from '../../test/helpers/db.js';
import { givenProduct } from '../../test/helpers/factories.js';
import { searchSkus } from '../modules/catalog/catalog.service.js';
import { type Database, openDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { recordAudit } from '../modules/events/events.service.js';
import { backupDatabase, restoreDatabase } from './backup.js';
import { backupFileName, pruneBackups } from './schedule.js';

let env: TestEnv;
let biz: TestBusiness;
let dir: string;
let target: Database & { drop(): Promise<void> };

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh migrated database of the other kind than the suite's (PGlite ↔ PostgreSQL). */
async function otherKindDatabase(): Promise<Database & { drop(): Promise<void> }> {
  if (TEST_DB === 'postgres') {
    return freshDatabase('pglite');
  }
  const name = `mostrador_test_restore_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const db = await openDatabase({ url: ADMIN_URL.replace(/\/[^/]*$/, `/${name}`), poolSize: 4 });
  await migrate(db);
  return Object.assign(db, {
    drop: async () => {
      await db.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  });
}

async function counts(database: Database): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['tenants', 'locations', 'users', 'products', 'skus', 'barcodes', 'events', 'audit_log']) {
    const r = await database.db
      .selectFrom(t as 'tenants')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    out[t] = Number(r.n);
  }
  return out;
}

beforeAll(async () => {
  env = await createTestEnv();
  biz = await env.givenBusiness();
  dir = await mkdtemp(join(tmpdir(), 'mostrador-backup-'));
  target = await otherKindDatabase();
  await givenProduct(biz.ctx, { sku: 'CAFE-1', name: 'Café de olla "Garat" 250 g', price: '89.90' });
  await givenProduct(biz.ctx, {
    sku: 'PINA-KG',
    name: 'Piña miel',
    price: '32.50',
    soldByWeight: true,
    iva: 'iva0',
  });
  await givenProduct(biz.ctx, {
    sku: 'COCA-600',
    name: 'Coca-Cola 600 ml',
    price: '18.00',
    ieps: { type: 'quota', value: '1.6451' },
  });
});
afterAll(async () => {
  await target?.drop();
  await env.close();
  await rm(dir, { recursive: true, force: true });
});

describe('backup and restore', () => {
  it('refuses a truncated or foreign file and restores nothing', async () => {
    const file = join(dir, 'b.ndjson.gz');
    await backupDatabase(env.db, file);
    const lines = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n');
    const cut = join(dir, 'cut.ndjson.gz');
    await writeFile(cut, gzipSync(`${lines.slice(0, -3).join('\n')}\n`));
    await expect(restoreDatabase(target, cut)).rejects.toMatchObject({ code: 'BACKUP_TRUNCATED' });
    expect((await counts(target)).tenants).toBe(0);
    await writeFile(cut, gzipSync('{"hola": 1}\n'));
    await expect(restoreDatabase(target, cut)).rejects.toMatchObject({ code: 'BACKUP_INVALID' });
  });

  it(`restores a ${TEST_DB} backup into a fresh database of the other kind with the same rows`, async () => {
    const file = join(dir, 'a.ndjson.gz');
    const res = await backupDatabase(env.db, file);
    expect(res.rows).toBeGreaterThan(10);
    const lines = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n');
    const header = JSON.parse(lines[0]!);
    expect(header.$backup).toBe('mostrador-backup');
    expect(header.migrations).toContain('001');
    expect(JSON.parse(lines.at(-1)!).$end).toBe(true);
    // the search index of SKU words is derived: not in the file, rebuilt on restore
    expect(lines.some((l) => l.startsWith('{"$table":"sku_search_'))).toBe(false);
    const skuLine = lines.find((l) => l.includes('"CAFE-1"'))!;
    expect(JSON.parse(skuLine).price).toBe('89.90');
    expect(JSON.parse(skuLine).created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

    {
      await restoreDatabase(target, file);
      expect(await counts(target)).toEqual(await counts(env.db));
      // analyzed at the end of the restore: the planner knows the restored rows
      const stats = await sql<{ reltuples: number }>`
        select reltuples::float8 as reltuples from pg_class where relname = 'products'`.execute(target.db);
      expect(Number(stats.rows[0]!.reltuples)).toBeGreaterThan(0);
      const p = await target.db
        .selectFrom('products as p')
        .innerJoin('skus as s', (j) =>
          j.onRef('s.product_id', '=', 'p.id').onRef('s.tenant_id', '=', 'p.tenant_id'),
        )
        .select([
          'p.name',
          'p.ieps_type',
          'p.ieps_value',
          'p.image_urls',
          's.price',
          's.attributes',
          'p.created_at',
        ])
        .where('s.sku', '=', 'COCA-600')
        .executeTakeFirstOrThrow();
      expect(p).toMatchObject({
        name: 'Coca-Cola 600 ml',
        ieps_type: 'quota',
        ieps_value: '1.645100',
        image_urls: [],
        price: '18.00',
        attributes: {},
      });
      expect(p.created_at.toISOString()).toBe(env.clock.now.toISOString());
      const cafe = await target.db
        .selectFrom('products')
        .select('name')
        .where('name', 'like', 'Café%')
        .executeTakeFirstOrThrow();
      expect(cafe.name).toBe('Café de olla "Garat" 250 g');
      const found = await searchSkus({ ...biz.ctx, db: target.db }, { q: 'cafe oll', limit: 5 });
      expect(found.map((x) => x.sku)).toEqual(['CAFE-1']);

      // Identity sequences continue after the restored ids; the audit log still refuses updates.
      const maxBefore = await target.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.max('id').as('m'))
        .executeTakeFirstOrThrow();
      await recordAudit({ ...biz.ctx, db: target.db }, { action: 'test', entityType: 'x', entityId: 'y' });
      const after = await target.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.max('id').as('m'))
        .executeTakeFirstOrThrow();
      expect(Number(after.m)).toBe(Number(maxBefore.m) + 1);
      await expect(target.db.updateTable('audit_log').set({ action: 'x' }).execute()).rejects.toThrow();

      // A database with a business is not overwritten without force.
      await expect(restoreDatabase(target, file)).rejects.toMatchObject({ code: 'BACKUP_TARGET_NOT_EMPTY' });
      await restoreDatabase(target, file, { force: true });
      expect(await counts(target)).toEqual(await counts(env.db));
    }
  }, 90_000);

  it('writes a large table through gzip without piling up listeners while it waits to drain', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      await sql`create table backup_bulk_test (id int primary key, body text not null)`.execute(env.db.db);
      await sql`insert into backup_bulk_test
        select g, repeat(md5(g::text), 32) from generate_series(1, 3000) g`.execute(env.db.db);
      const res = await backupDatabase(env.db, join(dir, 'bulk.ndjson.gz'));
      expect(res.rows).toBeGreaterThan(3000);
      await new Promise((r) => setTimeout(r, 50));
      expect(warnings.map((w) => w.message)).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await sql`drop table if exists backup_bulk_test`.execute(env.db.db);
    }
  });

  it('names backups by date and prunes the ones older than the kept days', async () => {
    expect(backupFileName(new Date('2026-11-23T16:05:00Z'))).toBe('mostrador-20261123-1605.ndjson.gz');
    const pruneDir = join(dir, 'prune');
    await mkdtemp(pruneDir).catch(() => {});
    const { mkdir } = await import('node:fs/promises');
    await mkdir(pruneDir, { recursive: true });
    const now = new Date('2026-11-23T16:00:00Z');
    for (const [name, daysAgo] of [
      ['mostrador-20261110-1600.ndjson.gz', 13],
      ['mostrador-20261122-1600.ndjson.gz', 1],
      ['otro-archivo.txt', 30],
    ] as const) {
      await writeFile(join(pruneDir, name), 'x');
      const t = new Date(now.getTime() - daysAgo * 86_400_000);
      await utimes(join(pruneDir, name), t, t);
    }
    expect(await pruneBackups(pruneDir, 7, now)).toEqual(['mostrador-20261110-1600.ndjson.gz']);
    expect((await readdir(pruneDir)).sort()).toEqual([
      'mostrador-20261122-1600.ndjson.gz',
      'otro-archivo.txt',
    ]);
  });
});
