import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.js';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

describe('receptor options for the self-invoicing page', () => {
  it('answers anyone with SAT régimenes and usos, which persona each fits and the régimenes each uso allows', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/api/v1/sat/receptor-options' });
    expect(res.statusCode).toBe(200);
    const { regimenes, usos } = res.json() as {
      regimenes: { id: string; fisica: boolean; moral: boolean }[];
      usos: { id: string; texto: string; fisica: boolean; moral: boolean; regimenes: string[] }[];
    };
    expect(regimenes.find((r) => r.id === '601')).toMatchObject({ fisica: false, moral: true });
    expect(regimenes.find((r) => r.id === '612')).toMatchObject({ fisica: true, moral: false });
    expect(regimenes.find((r) => r.id === '626')).toMatchObject({ fisica: true, moral: true });
    const g03 = usos.find((u) => u.id === 'G03')!;
    expect(g03).toMatchObject({ texto: 'Gastos en general', fisica: true, moral: true });
    expect(g03.regimenes).toContain('612');
    expect(g03.regimenes).not.toContain('605');
    expect(usos.find((u) => u.id === 'D01')).toMatchObject({ fisica: true, moral: false });
    expect(usos.map((u) => u.id)).not.toContain('CP01');
    expect(usos.map((u) => u.id)).not.toContain('CN01');
  });
});
