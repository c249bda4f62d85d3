/**
 * SLOW (about 20 s): a real server process is killed with SIGKILL while sales are in flight;
 * after a restart every sale it acknowledged is there and the ledger still equals the levels.
 * On the 'pglite' project it proves the embedded database; on 'postgres' the same for PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { monotonicFactory } from 'ulid';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { createOpenSessionFixture } from '../helpers/shift.js';
import { freshDatabase, TEST_DB, type TestDatabase } from '../helpers/db.js';
import { freePort, spawnServer, stopServer, waitReady } from '../helpers/server-process.js';
import { checkLedger } from '../../src/modules/inventory/inventory.service.js';

const ulid = monotonicFactory();
const dir = mkdtempSync(join(tmpdir(), 'mostrador-kill-'));
let pg: TestDatabase | undefined;

afterAll(async () => {
  await pg?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('durability', () => {
  it('keeps every acknowledged sale when the server is killed with SIGKILL under load', async () => {
    let env: Record<string, string>;
    let open: () => Promise<Awaited<ReturnType<typeof openDatabase>>>;
    if (TEST_DB === 'pglite') {
      const dataDir = join(dir, 'data');
      env = { DATA_DIR: dataDir };
      open = () => openDatabase({ dataDir });
    } else {
      pg = await freshDatabase('postgres');
      env = { DATABASE_URL: pg.url! };
      open = () => openDatabase({ url: pg!.url!, poolSize: 2 });
    }
    const setup = await open();
    await migrate(setup);
    const fx = await createOpenSessionFixture(setup, { products: 5, stock: '100000' });
    await setup.close();

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let server = spawnServer(env, port);
    await waitReady(port, server);

    const acknowledged: string[] = [];
    let sent = 0;
    let stop = false;
    const failures: string[] = [];
    const worker = async () => {
      while (!stop) {
        const id = `sale_${ulid()}`;
        sent++;
        try {
          const r = await fetch(`${url}/api/v1/sales`, {
            method: 'POST',
            headers: { authorization: `Bearer ${fx.token}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              id,
              registerId: fx.registerId,
              lines: [{ skuId: fx.skuIds[sent % fx.skuIds.length], quantity: '1' }],
              payments: [{ method: 'cash', amount: '100.00' }],
            }),
          });
          if (r.status === 201) acknowledged.push(id);
          else failures.push(`${r.status} ${await r.text()}`);
        } catch {
          // the server died mid-request: this sale was not acknowledged
        }
      }
    };
    const workers = Array.from({ length: 6 }, worker);
    // Kill in the middle of the stream of sales, once enough were acknowledged (a slow,
    // shared machine gets there later), while the six workers still have requests in flight.
    const t0 = Date.now();
    while (acknowledged.length < 40 && Date.now() - t0 < 40_000) await sleep(50);
    await stopServer(server, 'SIGKILL');
    stop = true;
    await Promise.all(workers);
    expect(failures.slice(0, 3)).toEqual([]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(40);

    server = spawnServer(env, port);
    await waitReady(port, server);
    const missing: string[] = [];
    for (const id of acknowledged) {
      const r = await fetch(`${url}/api/v1/sales/${id}`, {
        headers: { authorization: `Bearer ${fx.token}` },
      });
      if (r.status !== 200) missing.push(id);
      await r.arrayBuffer();
    }
    await stopServer(server);
    expect(missing).toEqual([]);
    const check = await open();
    expect(await checkLedger(check.db)).toEqual([]);
    await check.close();
  }, 120_000);
});
