import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { seedDemo } from './demo.js';

/**
 * Measures a first start with demo data on the embedded database, as `npm start` does it on a
 * fresh machine: PGlite in a new data directory, migrations, then the demo. Prints JSON.
 * `npm run seed:measure` (add `-- --memory` for PGlite in memory).
 */
async function measure(): Promise<void> {
  const memory = process.argv.includes('--memory');
  const dir = memory ? undefined : mkdtempSync(join(tmpdir(), 'mostrador-seed-'));
  const t0 = performance.now();
  const database = await openDatabase({ dataDir: dir });
  const tOpen = performance.now();
  await migrate(database);
  const tMigrate = performance.now();
  const cpu0 = process.cpuUsage();
  const r = await seedDemo(database);
  const cpu = process.cpuUsage(cpu0);
  const tSeed = performance.now();
  await database.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  console.log(
    JSON.stringify({
      database: memory ? 'pglite-memory' : 'pglite-dir',
      openMs: Math.round(tOpen - t0),
      migrateMs: Math.round(tMigrate - tOpen),
      seedMs: Math.round(tSeed - tMigrate),
      seedCpuMs: Math.round((cpu.user + cpu.system) / 1000),
      totalMs: Math.round(tSeed - t0),
      skus: r.products,
      sales: r.sales,
      loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
      cores: (await import('node:os')).cpus().length,
    }),
  );
}

await measure();
