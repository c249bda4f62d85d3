import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../test/helpers/app.js';
import { prepareBackground } from './background.js';
import { loadConfig } from './config.js';

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

async function count(table: 'sales' | 'registers'): Promise<number> {
  const r = await env.db.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

describe('background work beside the server', () => {
  it('a stop right after start (SIGTERM after the first answer) lets the demo history finish', async () => {
    const config = loadConfig({ BACKUP_KEEP_DAYS: '0' });
    const bg = await prepareBackground(env.app, config, { seed: true });
    // Before the server listens: the demo business with its register, no past sales yet.
    expect(await count('registers')).toBe(1);
    expect(await count('sales')).toBe(0);
    const starting = bg.start();
    await bg.stop();
    const afterStop = await count('sales');
    expect(afterStop).toBeGreaterThan(100);
    // nothing still writing once stop has returned
    await new Promise((r) => setTimeout(r, 300));
    expect(await count('sales')).toBe(afterStop);
    await starting;
  }, 120_000);
});
