/**
 * The database's own limit for Mostrador's checkout, measured as the raw checkout is: pgbench
 * runs the statement the app sends for a batch of counter sales (`record_sales_together`, falling
 * back to `record_sales`), each transaction one batch of BENCH_BATCH pre-priced 3-line cash sales
 * sent as JSON text, against a fresh database with the benchmark catalog. No HTTP, no Node: what
 * PostgreSQL alone can record per second of the rows a sale must write (sale, 3 lines, payments,
 * 3 ledger rows, 3 guarded level updates, events, audit row), beside `peak.fn_uniform` of
 * `../shared/bench/raw-checkout/run` measured in the same run. Also prints PostgreSQL's CPU per sale
 * and per raw checkout (all server processes, from /proc). An upper bound for the API's checkout:
 * if this ratio is under the API target, no app in front of the database can reach it.
 * Each run is a fixed number of batches per client (pgbench -t), sized to last about
 * BENCH_CEILING_SECONDS at 8,000 sales/s, so a run never runs out of sales to record.
 * Env: BENCH_CEILING_SECONDS (5), BENCH_PRODUCTS (5000), BENCH_BATCH (8), BENCH_CLIENTS ("4 16"),
 * BENCH_CEILING_SQL (a SQL file run on the benchmark database before measuring: to price a change
 * to the write path, e.g. a variant of the function or an index dropped, without a migration).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { monotonicFactory } from 'ulid';
import { sharedDir } from '../src/sat/shared-dir.js';
import { getSellableSkus } from '../src/modules/catalog/catalog.service.js';
import { priceSale } from '../src/modules/sales/pricing.js';
import { zSaleInput } from '../src/modules/sales/sales.schemas.js';
import { newInvoiceCode, recordSalePayload } from '../src/modules/sales/sales.service.js';
import {
  analyzeAsAutovacuumWould,
  createPgDatabase,
  dropPgDatabase,
  log,
  openBenchDatabase,
  round,
  runRaw,
  setupSellingShop,
} from './lib.js';

const SECONDS = Number(process.env.BENCH_CEILING_SECONDS ?? 5);
/** sales/s the runs are sized for: a faster machine gets shorter runs, a slower one longer */
const SIZED_FOR = 8_000;
const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 5000);
const BATCH = Number(process.env.BENCH_BATCH ?? 8);
const CLIENTS = (process.env.BENCH_CLIENTS ?? '4 16').split(' ').filter(Boolean).map(Number);
const PGBENCH = process.env.PGBENCH ?? 'pgbench';
const ulid = monotonicFactory();

/** CPU ms so far of every PostgreSQL server process, with its exited children (the backends). */
function postgresCpuMs(): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const x = f.slice(f.lastIndexOf(')') + 2).split(' ');
      ticks += Number(x[11]) + Number(x[12]) + Number(x[13]) + Number(x[14]);
    } catch {
      // gone
    }
  }
  return ticks * 10;
}

async function pgbench(
  url: string,
  script: string,
  clients: number,
  run: { seconds: number } | { perClient: number },
) {
  const before = postgresCpuMs();
  const r = spawnSync(
    PGBENCH,
    [
      '-n',
      '-c',
      String(clients),
      '-j',
      String(Math.min(clients, 2)),
      ...('seconds' in run ? ['-T', String(run.seconds)] : ['-t', String(run.perClient)]),
      '-f',
      script,
      url,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`pgbench failed: ${r.stderr}`);
  // exited backends are counted in the postmaster's children times once reaped
  await sleep(500);
  const cpu = postgresCpuMs() - before;
  const tx = Number(/number of transactions actually processed: (\d+)/.exec(r.stdout)?.[1]);
  const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(r.stdout)?.[1]);
  const failed = Number(/number of failed transactions: (\d+)/.exec(r.stdout)?.[1] ?? 0);
  return { tx, tps, failed, cpuMs: cpu };
}

export interface DbCeiling {
  batch: number;
  products: number;
  seconds: number;
  recordSales: Record<
    string,
    {
      batchesPerSec: number;
      salesPerSec: number;
      failed: number;
      salesRecorded: number;
      postgresCpuMsPerSale: number;
    }
  >;
  peakSalesPerSec: number;
  ratioToFnUniform: number;
  postgresCpuMsPerRawCheckout: number;
}

/** The phase itself, against the raw peak measured before it (`npm run bench` phase `ceiling`). */
export async function measureDbCeiling(fnPeak: number): Promise<DbCeiling> {
  const dbName = `mostrador_ceiling_${process.pid}`;
  const url = await createPgDatabase(dbName);
  const scriptDir = mkdtempSync(join(tmpdir(), 'mostrador-ceiling-'));
  try {
    const database = await openBenchDatabase({ url });
    const { cat, ctx, registerId } = await setupSellingShop(database, PRODUCTS);
    const skus = await getSellableSkus(ctx, cat.skuIds);

    const warmUp = { clients: 4, perClient: 25 };
    const perClient = (c: number) => Math.ceil((SIZED_FOR * SECONDS) / BATCH / c);
    const batches = warmUp.clients * warmUp.perClient + CLIENTS.reduce((n, c) => n + c * perClient(c), 0);
    log(`pricing ${batches} batches of ${BATCH} sales`);
    await sql`create table bench_batches (n bigint primary key, ps text not null)`.execute(database.db);
    await sql`create sequence bench_next`.execute(database.db);
    const pick = () => cat.skuIds[Math.floor(Math.random() * cat.skuIds.length)]!;
    for (let start = 1; start <= batches; start += 200) {
      const rows: { n: number; ps: string }[] = [];
      for (let n = start; n < Math.min(start + 200, batches + 1); n++) {
        const payloads = Array.from({ length: BATCH }, () => {
          const ids = new Set<string>();
          while (ids.size < 3) ids.add(pick());
          const input = zSaleInput.parse({
            id: `sale_${ulid()}`,
            registerId,
            lines: [...ids].map((skuId) => ({ skuId, quantity: String(1 + Math.floor(Math.random() * 3)) })),
            payments: [{ method: 'cash', amount: '2000.00' }],
          });
          const lines = input.lines.map((l) => ({ ...l, skuId: l.skuId! }));
          const priced = priceSale(
            {
              lines,
              payments: input.payments,
              mayOverridePrice: false,
              discount: undefined,
              change: undefined,
            },
            skus,
          );
          return recordSalePayload(ctx, input, {
            hash: `bench-${input.id}`,
            cashSessionId: null,
            invoiceCode: newInvoiceCode(),
            priced,
            skuVersions: [...ids].map((id) => ({ id, version: skus.get(id)!.version })),
          });
        });
        rows.push({ n, ps: JSON.stringify(payloads) });
      }
      await sql`insert into bench_batches (n, ps) select * from unnest(${rows.map((r) => r.n)}::bigint[], ${rows.map((r) => r.ps)}::text[])`.execute(
        database.db,
      );
    }
    await database.close();
    if (process.env.BENCH_CEILING_SQL) {
      log(`variant: ${process.env.BENCH_CEILING_SQL}`);
      execFileSync(
        'psql',
        ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', process.env.BENCH_CEILING_SQL],
        {
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      );
    }
    await analyzeAsAutovacuumWould(url);

    const script = join(scriptDir, 'batch.sql');
    writeFileSync(
      script,
      `select coalesce(record_sales_together(b.ps::jsonb), record_sales(b.ps::jsonb))
  from bench_batches b where b.n = (select nextval('bench_next'));
`,
    );
    const check = await openBenchDatabase({ url });
    const recorded = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from sales`.execute(check.db)).rows[0]!.n;
    log('warm-up');
    await pgbench(url, script, warmUp.clients, { perClient: warmUp.perClient });
    const results: DbCeiling['recordSales'] = {};
    let peak = 0;
    for (const c of CLIENTS) {
      const before = await recorded();
      const r = await pgbench(url, script, c, { perClient: perClient(c) });
      const sales = (await recorded()) - before;
      if (sales < r.tx * BATCH * 0.99) throw new Error(`${r.tx} batches recorded only ${sales} sales`);
      const salesPerSec = r.tps * BATCH;
      peak = Math.max(peak, salesPerSec);
      results[String(c)] = {
        batchesPerSec: round(r.tps, 1),
        salesPerSec: round(salesPerSec, 1),
        failed: r.failed,
        salesRecorded: sales,
        postgresCpuMsPerSale: round(r.cpuMs / sales, 3),
      };
      log(`${c} clients: ${round(salesPerSec, 1)} sales/s`);
    }
    // PostgreSQL's CPU per raw checkout, measured the same way (its own throw-away database)
    const rawDb = `raw_checkout_ceiling_${process.pid}`;
    const rawUrl = await createPgDatabase(rawDb);
    const rawDir = join(sharedDir(), 'bench', 'raw-checkout');
    execFileSync(
      'psql',
      ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', rawUrl, '-f', join(rawDir, 'schema.sql')],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const rawRun = await pgbench(rawUrl, join(rawDir, 'fn_uniform.sql'), 16, { seconds: SECONDS });
    await dropPgDatabase(rawDb);

    await check.close();

    return {
      batch: BATCH,
      products: PRODUCTS,
      seconds: SECONDS,
      recordSales: results,
      peakSalesPerSec: round(peak, 1),
      ratioToFnUniform: round(peak / fnPeak, 3),
      postgresCpuMsPerRawCheckout: round(rawRun.cpuMs / rawRun.tx, 3),
    };
  } finally {
    await dropPgDatabase(dbName);
    rmSync(scriptDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const raw = await runRaw();
  const ceiling = await measureDbCeiling(raw.peak.fn_uniform!);
  console.log(
    JSON.stringify(
      { raw: { peak: raw.peak, synchronous_commit: raw.synchronous_commit }, ...ceiling },
      null,
      2,
    ),
  );
}
