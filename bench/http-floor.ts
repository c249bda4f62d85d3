/**
 * How far the checkout target is from what HTTP alone allows on this machine: the raw checkout
 * limit (`../shared/bench/raw-checkout/run`, same run) next to a bare Fastify endpoint
 * (bench/http-floor-server.mjs: JSON body parsed, a stored 2.4 KB answer, no database) loaded as
 * `npm run bench` loads the checkout (autocannon, 50 connections, the same 3-line sale body).
 * Prints JSON: requests/s and CPU ms per request of the server and of the load generator.
 * Env: BENCH_SECONDS (10), BENCH_CONNECTIONS (50), BENCH_SKIP=raw to skip the raw run.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { monotonicFactory } from 'ulid';
import { load, log, round, runRaw } from './lib.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ulid = monotonicFactory();

/** utime + stime of a process in ms (/proc, 100 ticks a second). */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const out: Record<string, unknown> = {};
const raw = (process.env.BENCH_SKIP ?? '').includes('raw') ? undefined : await runRaw();
if (raw) out.raw = raw.peak;

const port = 3990;
const server = spawn(process.execPath, ['bench/http-floor-server.mjs'], {
  env: { ...process.env, PORT: String(port) },
  stdio: ['ignore', 'ignore', 'inherit'],
});
try {
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      await fetch(`${url}/api/v1/sales`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      break;
    } catch {
      if (i > 200) throw new Error('floor server did not start');
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  const body = () => ({
    id: `sale_${ulid()}`,
    registerId: 'reg_01JAAAAAAAAAAAAAAAAAAAAAAA',
    lines: [1, 2, 3].map((k) => ({ skuId: `sku_01JAAAAAAAAAAAAAAAAAAAAA${k}0`, quantity: '2' })),
    payments: [{ method: 'cash', amount: '2000.00' }],
  });
  log('warm-up 2 s');
  await load({ url, path: '/api/v1/sales', token: 'x', connections: CONNECTIONS, seconds: 2, body });
  log(`load ${SECONDS} s at ${CONNECTIONS} connections`);
  const serverBefore = cpuMsOf(server.pid!);
  const selfBefore = process.cpuUsage();
  const r = await load({
    url,
    path: '/api/v1/sales',
    token: 'x',
    connections: CONNECTIONS,
    seconds: SECONDS,
    body,
  });
  const serverMs = cpuMsOf(server.pid!) - serverBefore;
  const self = process.cpuUsage(selfBefore);
  out.bareFastify = {
    requestsPerSec: round(r.okPerSec, 1),
    latencyMs: r.latencyMs,
    cpuMsPerRequest: {
      server: round(serverMs / r.ok),
      loadGenerator: round((self.user + self.system) / 1000 / r.ok),
    },
  };
  if (raw) {
    out.ratioToFnUniform = round(r.okPerSec / raw.peak.fn_uniform!);
    out.ratioToTxUniform = round(r.okPerSec / raw.peak.tx_uniform!);
  }
} finally {
  server.kill('SIGTERM');
}
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
