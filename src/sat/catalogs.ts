import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

/** SAT's CFDI 4.0 catalogs (copied from SAT's published files into `src/sat/catalogos`). */
const DIR = join(dirname(fileURLToPath(import.meta.url)), 'catalogos');

export type CatalogRow = Record<string, string>;
const cache = new Map<string, Map<string, CatalogRow>>();

/** A SAT catalog by name (`c_ClaveProdServ`), keyed by its `id` column. Loaded once. */
export function satCatalog(name: string): Map<string, CatalogRow> {
  let m = cache.get(name);
  if (!m) {
    const rows = parse(readFileSync(join(DIR, `${name}.csv`), 'utf8'), {
      columns: true,
      skip_empty_lines: true,
    }) as CatalogRow[];
    m = new Map(rows.map((r) => [r.id ?? '', r]));
    cache.set(name, m);
  }
  return m;
}

/** True when the key exists in the catalog and is in force (no `vigencia_hasta` in the past). */
export function isValidSatKey(
  name: string,
  key: string,
  today = new Date().toISOString().slice(0, 10),
): boolean {
  const row = satCatalog(name).get(key);
  if (!row) return false;
  const until = row.vigencia_hasta;
  return !until || until >= today;
}
