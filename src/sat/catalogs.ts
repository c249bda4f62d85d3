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

/**
 * The first four CSV fields of each line (id, texto, vigencia_desde, vigencia_hasta), read with
 * a minimal quote-aware scan: building this index for the 52,000 product keys takes a few
 * milliseconds, where a full CSV parse takes about a second at every process start.
 */
const keyIndexes = new Map<string, Map<string, string>>();

function keyIndex(name: string): Map<string, string> {
  let index = keyIndexes.get(name);
  if (index) return index;
  index = new Map();
  const text = readFileSync(join(DIR, `${name}.csv`), 'utf8');
  const header = text.slice(0, text.indexOf('\n')).split(',');
  const untilCol = header.indexOf('vigencia_hasta');
  let pos = text.indexOf('\n') + 1;
  while (pos < text.length) {
    let end = pos;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    for (; end < text.length; end++) {
      const c = text[end]!;
      if (quoted) {
        if (c === '"') {
          if (text[end + 1] === '"') {
            field += '"';
            end++;
          } else quoted = false;
        } else field += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') {
        fields.push(field);
        field = '';
      } else if (c === '\n') break;
      else if (c !== '\r') field += c;
    }
    fields.push(field);
    if (fields[0]) index.set(fields[0], untilCol >= 0 ? (fields[untilCol] ?? '') : '');
    pos = end + 1;
  }
  keyIndexes.set(name, index);
  return index;
}

/** True when the key exists in the catalog and is in force (no `vigencia_hasta` in the past). */
export function isValidSatKey(
  name: string,
  key: string,
  today = new Date().toISOString().slice(0, 10),
): boolean {
  const until = keyIndex(name).get(key);
  if (until === undefined) return false;
  return !until || until >= today;
}
