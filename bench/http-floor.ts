/**
 * How far the checkout target is from what HTTP alone allows on this machine: the raw checkout
 * limit (`../shared/bench/raw-checkout/run`, same run) next to a bare Fastify endpoint
 * (bench/http-floor-server.mjs: JSON body parsed, a stored 2.4 KB answer, no database) loaded as
 * `npm run bench` loads the checkout (autocannon, 50 connections, the same 3-line sale body).
 * `npm run bench` runs the same measurement as its `floor` phase.
 * Prints JSON: requests/s and CPU ms per request of the server and of the load generator.
 * Env: BENCH_SECONDS (10), BENCH_CONNECTIONS (50), BENCH_SKIP=raw to skip the raw run.
 */
import { fileURLToPath } from 'node:url';
import { measureHttpFloor, round, runRaw } from './lib.js';

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out: Record<string, unknown> = {};
  const raw = (process.env.BENCH_SKIP ?? '').includes('raw') ? undefined : await runRaw();
  if (raw) out.raw = raw.peak;
  const floor = await measureHttpFloor({
    seconds: Number(process.env.BENCH_SECONDS ?? 10),
    connections: Number(process.env.BENCH_CONNECTIONS ?? 50),
  });
  out.bareFastify = floor;
  if (raw) {
    out.ratioToFnUniform = round(floor.requestsPerSec / raw.peak.fn_uniform!);
    out.ratioToTxUniform = round(floor.requestsPerSec / raw.peak.tx_uniform!);
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}
