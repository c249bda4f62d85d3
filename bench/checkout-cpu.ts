/**
 * Where a checkout's CPU goes: runs the checkout load (API token, 3-line cash sale, 50
 * connections) against a fresh PostgreSQL database and prints CPU milliseconds per checkout
 * for the app process(es), the PostgreSQL server processes and the load generator. CPU time
 * (not wall time) stays meaningful on a machine that is busy with other work.
 * Env: BENCH_SECONDS (10), BENCH_PRODUCTS (5000), BENCH_CONNECTIONS (50), BENCH_DB (`postgres`, or
 * `pglite`: the embedded database inside the app process, whose CPU then counts as the app's).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { monotonicFactory } from 'ulid';
import {
  analyzeAsAutovacuumWould,
  createPgDatabase,
  dropPgDatabase,
  load,
  log,
  openBenchDatabase,
  round,
  setupCatalog,
  startServer,
} from './lib.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 5000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const TICKS = 100; // USER_HZ on Linux
const ulid = monotonicFactory();

/** Read and write system calls of a process so far (/proc/<pid>/io). */
function ioOf(pid: number): { syscr: number; syscw: number } {
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  const field = (k: string) => Number(new RegExp(`^${k}: (\\d+)$`, 'm').exec(io)?.[1] ?? 0);
  return { syscr: field('syscr'), syscw: field('syscw') };
}

/** Committed and rolled-back transactions of a database so far (its statistics, flushed). */
async function transactionsOf(dbUrl: string, dbName: string): Promise<number> {
  const sqlc = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    await sqlc`select pg_stat_force_next_flush()`;
    const [r] = await sqlc<{ n: string }[]>`
      select (xact_commit + xact_rollback)::text as n from pg_stat_database where datname = ${dbName}`;
    return Number(r!.n);
  } finally {
    await sqlc.end();
  }
}

/** utime + stime in ms of every process whose command line matches `test`. */
function cpuMs(test: (comm: string, cmdline: string, pid: number) => boolean): number {
  let total = 0;
  for (const d of readdirSync('/proc')) {
    const pid = Number(d);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (!test(comm, cmdline, pid)) continue;
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += ((Number(f[11]) + Number(f[12])) * 1000) / TICKS;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

async function main() {
  const embedded = process.env.BENCH_DB === 'pglite';
  const dbName = `mostrador_benchcpu_${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'mostrador-cpu-'));
  const dbUrl = embedded ? '' : await createPgDatabase(dbName);
  try {
    const setup = await openBenchDatabase(embedded ? { dataDir: join(dir, 'data') } : { url: dbUrl });
    const cat = await setupCatalog(setup, PRODUCTS);
    await setup.close();
    const server = await startServer(
      {
        ...(embedded ? { DATA_DIR: join(dir, 'data'), BACKUP_KEEP_DAYS: '0' } : { DATABASE_URL: dbUrl }),
        SEED_DEMO: 'false',
        DB_POOL_SIZE: process.env.DB_POOL_SIZE ?? '20',
        NODE_EXTRA_ARGS: process.env.NODE_EXTRA_ARGS ?? '',
      },
      3911,
    );
    const auth = { authorization: `Bearer ${cat.token}`, 'content-type': 'application/json' };
    const reg = (await (
      await fetch(`${server.url}/api/v1/registers`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ locationId: cat.storeId, name: 'Caja cpu' }),
      })
    ).json()) as { id: string };
    await fetch(`${server.url}/api/v1/cash-sessions`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ registerId: reg.id, openingFloat: '500.00' }),
    });
    const body = () => {
      const third = Math.floor(cat.skuIds.length / 3);
      const pick = (from: number) => cat.skuIds[from + Math.floor(Math.random() * (third - 1)) + 1]!;
      return {
        id: `sale_${ulid()}`,
        registerId: reg.id,
        lines: [pick(0), pick(third), pick(2 * third)].map((skuId) => ({
          skuId,
          quantity: String(1 + Math.floor(Math.random() * 3)),
        })),
        payments: [{ method: 'cash', amount: '2000.00' }],
      };
    };
    const serverPid = server.proc.pid!;
    const isApp = (_c: string, cmd: string, pid: number) =>
      pid === serverPid || (cmd.includes('src/server') && pid !== process.pid);
    const isPg = (comm: string) => comm.startsWith('postgres');
    log(`warm-up ${process.env.BENCH_WARMUP ?? 3} s`);
    await load({
      url: server.url,
      path: '/api/v1/sales',
      token: cat.token,
      connections: CONNECTIONS,
      seconds: Number(process.env.BENCH_WARMUP ?? 3),
      body,
    });
    if (!embedded) await analyzeAsAutovacuumWould(dbUrl);
    const io0 = ioOf(serverPid);
    const x0 = embedded ? 0 : await transactionsOf(dbUrl, dbName);
    const a0 = cpuMs(isApp);
    const p0 = cpuMs(isPg);
    const l0 = process.cpuUsage();
    log(`load ${SECONDS} s at ${CONNECTIONS} connections`);
    const r = await load({
      url: server.url,
      path: '/api/v1/sales',
      token: cat.token,
      connections: CONNECTIONS,
      seconds: SECONDS,
      body,
    });
    const l1 = process.cpuUsage(l0);
    const a1 = cpuMs(isApp);
    const p1 = cpuMs(isPg);
    const io1 = ioOf(serverPid);
    const x1 = embedded ? 0 : await transactionsOf(dbUrl, dbName);
    const n = r.ok;
    console.log(
      JSON.stringify(
        {
          database: embedded ? 'pglite' : 'postgres',
          checkoutsPerSec: round(r.okPerSec, 1),
          ok: n,
          non2xx: r.non2xx,
          latencyMs: r.latencyMs,
          cpuMsPerCheckout: {
            app: round((a1 - a0) / n, 2),
            postgres: round((p1 - p0) / n, 2),
            loadGenerator: round((l1.user + l1.system) / 1000 / n, 2),
          },
          // system calls of the app process (socket writes and reads to clients and PostgreSQL)
          // and PostgreSQL transactions (each statement outside a transaction is one)
          perCheckout: {
            appWriteSyscalls: round((io1.syscw - io0.syscw) / n, 2),
            appReadSyscalls: round((io1.syscr - io0.syscr) / n, 2),
            ...(embedded ? {} : { postgresTransactions: round((x1 - x0) / n, 2) }),
          },
        },
        null,
        2,
      ),
    );
    await server.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (embedded) {
      // nothing else to clean
    } else if (process.env.BENCH_KEEP) log(`kept database ${dbName}`);
    else await dropPgDatabase(dbName);
  }
}

await main();
