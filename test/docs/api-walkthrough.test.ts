/**
 * docs/api-walkthrough.md, run as a reader runs it: its bash blocks, in order, in one bash, with
 * curl and jq, against a real server (`src/start.mjs`) holding a fresh demo business, on the
 * suite's database. About 10 s: two starts (the demo's sales history fills in after the first
 * start's listen, so the walkthrough runs after a restart, on settled data) and the script.
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { D } from '../../src/shared/money.js';
import { freshDatabase, TEST_DB, type TestDatabase } from '../helpers/db.js';
import { freePort, spawnServer, stopServer, waitReady } from '../helpers/server-process.js';

const dir = mkdtempSync(join(tmpdir(), 'mostrador-walkthrough-'));
let pg: TestDatabase | undefined;
let server: ChildProcess | undefined;

afterAll(async () => {
  await stopServer(server);
  await pg?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function start(env: Record<string, string>, port: number): Promise<ChildProcess> {
  const proc = spawnServer(env, port);
  await waitReady(port, proc);
  return proc;
}

/** The fenced bash blocks of a markdown file, in order. */
function bashBlocks(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe('docs/api-walkthrough.md', () => {
  it('runs as written: a sale recorded once, stock moving in both locations, a return, corte Z square', async () => {
    for (const tool of ['curl', 'jq']) {
      expect(spawnSync(tool, ['--version']).status, `${tool} is needed (apt-get install -y ${tool})`).toBe(0);
    }
    const env: Record<string, string> = {};
    if (TEST_DB === 'postgres') {
      pg = await freshDatabase('postgres');
      env.DATABASE_URL = pg.url!;
    } else {
      env.DATA_DIR = join(dir, 'data');
    }
    const port = await freePort();
    // First start seeds the demo; stopped right after its first answer, it closes gracefully
    // (exit 0) once the sales history it began is in.
    expect(await stopServer(await start({ ...env, SEED_DEMO: 'true' }, port))).toEqual({
      code: 0,
      signal: null,
    });
    server = await start({ ...env, SEED_DEMO: 'false' }, port);

    const blocks = bashBlocks('docs/api-walkthrough.md');
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    const run = spawnSync('bash', ['-c', blocks.join('\n')], {
      env: { ...process.env, MOSTRADOR_URL: `http://127.0.0.1:${port}` },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = run.stdout;

    expect(out).toContain('"productName": "Coca-Cola 600 ml"');
    expect(out).toContain('same sale again: HTTP 200');
    // The stock printed after each step: the store and the warehouse, in order.
    const levels = [
      ...out.matchAll(/\{"where":"(tienda|bodega)","onHand":"([\d.]+)","available":"([\d.]+)"\}/g),
    ];
    const series = (where: string) => levels.filter((m) => m[1] === where).map((m) => Number(m[2]));
    const store = series('tienda');
    const warehouse = series('bodega');
    // start, after the sale (2), after the refusals (nothing), after sending (12 leave the
    // warehouse), after receiving, after the return (1), after the other bottle's return (the
    // offline till's return of it refused: nothing more)
    expect(store.length).toBe(7);
    const [s0, w0] = [store[0]!, warehouse[0]!];
    expect(store).toEqual([s0, s0 - 2, s0 - 2, s0 - 2, s0 + 10, s0 + 11, s0 + 12]);
    expect(warehouse).toEqual([w0, w0, w0, w0 - 12, w0 - 12, w0 - 12, w0 - 12]);
    expect(out).toMatch(
      /HTTP 409: \{"code":"STOCK_INSUFFICIENT","message":"No hay existencias suficientes: pediste 100000\.000 y hay [\d.]+ disponibles\."/,
    );
    expect(out).toContain('HTTP 400: {"code":"VALIDATION_FAILED"');
    expect(out).toContain('"path":"body.lines.0.quantity"');
    expect(out).toMatch(/HTTP 404: \{"code":"SALE_NOT_FOUND"/);
    expect(out).toContain('"total": "36.00"');
    expect(out).toContain('"change": "64.00"');
    expect(out).toContain('{"status":"sent"}');
    expect(out).toContain('{"status":"received"}');
    expect(out).toMatch(/"refund": \{\s+"method": "cash",\s+"amount": "18.00"/);
    // the ledger rows behind it, newest first
    expect(out).toContain(
      [
        '{"reason":"return","quantity":"1.000","refType":"return"}',
        '{"reason":"return","quantity":"1.000","refType":"return"}',
        '{"reason":"transfer_in","quantity":"12.000","refType":"transfer"}',
        '{"reason":"transfer_out","quantity":"-12.000","refType":"transfer"}',
        '{"reason":"sale","quantity":"-2.000","refType":"sale"}',
      ].join('\n'),
    );
    // the demo's fiado: Don Chuy owes; $50 in cash comes off his debt
    const owed = /\{"name":"Jesús \\"Don Chuy\\" Ramírez","balance":"([\d.]+)"\}/.exec(out);
    expect(owed, out).not.toBeNull();
    expect(out).toContain(`{"paid":"50.00","owes":"${new D(owed![1]!).minus(50).toFixed(2)}"}`);
    expect(out).toContain(
      '{"dryRun":true,"created":1,"unchanged":0,"failed":0,"openingBalances":1,"openingTotal":"1250.00"}\n' +
        '{"dryRun":false,"created":1,"unchanged":0,"failed":0,"openingBalances":1,"openingTotal":"1250.00"}\n' +
        '{"dryRun":false,"created":0,"unchanged":1,"failed":0,"openingBalances":0,"openingTotal":"0.00"}',
    );
    // the offline return refused on the server: kept for the manager, then voided with a note
    expect(out).toMatch(/HTTP 409: \{"code":"RETURN_EXCEEDS_SOLD"/);
    expect(out).toContain(
      '{"kind":"return","errorCode":"RETURN_EXCEEDS_SOLD","total":"18.00","status":"open"}',
    );
    expect(out).toContain('{"kind":"return","status":"voided"}');
    // opening float 500 + 36 sold in cash - 18 - 18 refunded (two bottles) + 50 paid on account
    expect(out).toContain('expected in the drawer: 550.00');
    expect(out).toMatch(
      /"status": "closed",\s+"expectedCash": "550.00",\s+"countedCash": "550.00",\s+"difference": "0.00"/,
    );
    // the demo's ARCO request: listed with its due date, the data exported, the request closed,
    // and an erasure refused while his delivery is open
    expect(out).toMatch(/\{"kind":"access","dueOn":"\d{4}-\d{2}-\d{2}","who":"Jorge Hernández"\}/);
    expect(out).toContain(
      '{"who":"Jorge Hernández","orders":1,"address":"Av. Álvaro Obregón 120, int. 4, Roma Norte, 06700 CDMX","kept":3}',
    );
    expect(out).toContain('{"status":"done","resolution":"Enviado por correo"}');
    expect(out).toMatch(/HTTP 409: \{"code":"PRIVACY_ERASE_OPEN_ORDERS"/);
  }, 180_000);
});
