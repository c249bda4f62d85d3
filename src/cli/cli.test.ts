import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freshDatabase, TEST_DB, type TestDatabase } from '../../test/helpers/db.js';
import { main } from './main.js';

// The CLI as an operator runs it (`npm run cli -- …`), in this process: on an embedded database
// in a directory of its own, or on a PostgreSQL database of its own (DATABASE_URL); each command
// opens it, works and closes it, as separate runs would.
let dir: string;
const saved = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL };
const databases: TestDatabase[] = [];

/** Points the CLI at a new, empty database (`name` names the PGlite directory). */
async function useNewDatabase(name: string): Promise<void> {
  if (TEST_DB === 'postgres') {
    const db = await freshDatabase('postgres');
    databases.push(db);
    process.env.DATABASE_URL = db.url;
  } else {
    process.env.DATABASE_URL = '';
    process.env.DATA_DIR = join(dir, name);
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mostrador-cli-'));
  await useNewDatabase('data');
});
afterAll(async () => {
  process.env.DATA_DIR = saved.DATA_DIR;
  process.env.DATABASE_URL = saved.DATABASE_URL;
  for (const db of databases) await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs one command; its exit code and what it printed (stdout and stderr together). */
async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const capture = (...a: unknown[]) => {
    lines.push(a.map(String).join(' '));
  };
  const log = vi.spyOn(console, 'log').mockImplementation(capture);
  const error = vi.spyOn(console, 'error').mockImplementation(capture);
  const warn = vi.spyOn(console, 'warn').mockImplementation(capture);
  try {
    const code = await main(['node', 'mostrador', ...args]);
    return { code, out: lines.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    warn.mockRestore();
    // a command that found problems sets it; it must not become this test run's exit code
    process.exitCode = undefined;
  }
}

const file = (name: string, text: string, encoding: BufferEncoding = 'utf8') => {
  const path = join(dir, name);
  writeFileSync(path, Buffer.from(text, encoding));
  return path;
};

describe('the CLI', () => {
  it('creates a business, imports its catalog and its customers’ debts, exports them, checks the ledger and backs up', async () => {
    expect((await cli('migrate')).code).toBe(0);
    const noBusiness = await cli('import', 'products', file('vacio.csv', 'sku,nombre,precio\nA,B,1\n'));
    expect(noBusiness).toMatchObject({ code: 2 });
    expect(noBusiness.out).toContain('No hay ningún negocio');

    const created = await cli(
      'create-business',
      '--name',
      'Papelería Lupita',
      '--owner-email',
      'lupita@example.mx',
      '--owner-name',
      'Guadalupe Ortiz',
      '--owner-password',
      'papeleria-2026',
      '--postal-code',
      '44100',
      '--warehouse',
      'Bodega',
    );
    expect(created.code, created.out).toBe(0);
    expect(created.out).toMatch(
      /^Negocio creado: Papelería Lupita \(ten_\w+\)\. Sucursales: loc_\w+, loc_\w+\.$/,
    );
    const weak = await cli(
      'create-user',
      '--email',
      'caja@example.mx',
      '--name',
      'Caja',
      '--role',
      'cashier',
      '--password',
      'corta',
    );
    expect(weak.code).toBe(1);
    expect(weak.out).toContain('PASSWORD_TOO_WEAK');

    // Excel's CSV: Windows-1252, ";" and decimal commas; one row with a bad barcode
    const catalog = file(
      'catalogo.csv',
      'SKU;Nombre;Precio;Código de barras;Existencia Tienda\r\nCUAD-100;Cuaderno profesional 100 h;45,50;7501031311309;20\r\nLAP-2;Lápiz del 2;6,00;7501031311300;100\r\n',
      'latin1',
    );
    const dry = await cli('import', 'products', catalog, '--dry-run');
    expect(dry.code).toBe(1);
    expect(dry.out).toContain('se crearían: 1   se actualizarían: 0   con errores: 1');
    expect(dry.out).toContain('Renglón 3 (LAP-2) [Código de barras] BARCODE_CHECK_DIGIT');
    expect(dry.out).toContain('Simulación (--dry-run): no se guardó nada.');
    const real = await cli('import', 'products', catalog);
    expect(real.out).toContain('creados: 1   actualizados: 0   con errores: 1');

    const notebook = file(
      'libreta.csv',
      'nombre,telefono,saldo,debe_desde\nDoña Toña,55 1111 2222,350.00,01/10/2026\nSin teléfono,,20,\n',
    );
    const customers = await cli('import', 'customers', notebook);
    expect(customers.code).toBe(1);
    expect(customers.out).toContain('creados: 1   actualizados: 0   sin cambios: 0   con errores: 1');
    expect(customers.out).toContain('Saldos iniciales cargados: 1 por $350.00');
    expect(customers.out).toContain('Renglón 3 (Sin teléfono) [telefono] CUSTOMER_CONTACT_REQUIRED');
    // the same file again: nothing doubled
    const again = await cli('import', 'customers', notebook, '--json');
    expect(JSON.parse(again.out)).toMatchObject({ created: 0, unchanged: 1, openingBalances: 0 });

    const out = join(dir, 'clientes.csv');
    expect((await cli('export', 'customers', '--out', out)).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('\r\nDoña Toña,+525511112222,,,,,,,,,350.00,01/10/2026,\r\n');
    const products = join(dir, 'productos.csv');
    expect((await cli('export', 'products', '--out', products)).code).toBe(0);
    expect(readFileSync(products, 'utf8')).toMatch(
      /\r\nCUAD-100,Cuaderno profesional 100 h,,45\.50,,7501031311309,.*,20,0\r\n/,
    );

    const ledger = await cli('check-ledger');
    expect(ledger).toEqual({
      code: 0,
      out: 'El kardex cuadra: cada existencia es igual a la suma de sus movimientos.',
    });

    // a backup restores into an empty database with the same rows
    const backup = join(dir, 'respaldo.ndjson.gz');
    const saved = await cli('backup', '--out', backup);
    expect(saved.out).toMatch(/^Respaldo listo: .*respaldo\.ndjson\.gz \(\d+ tablas, \d+ renglones/);
    await useNewDatabase('restored');
    const restored = await cli('restore', backup);
    expect(restored.code, restored.out).toBe(0);
    const rows = (s: string) => /(\d+) renglones/.exec(s)![1];
    expect(rows(restored.out)).toBe(rows(saved.out));
    const copy = join(dir, 'clientes-restaurados.csv');
    await cli('export', 'customers', '--out', copy);
    expect(readFileSync(copy, 'utf8')).toBe(readFileSync(out, 'utf8'));
  }, 120_000);
});
