import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { AppError } from '../../shared/errors.js';
import { dec } from '../../shared/money.js';
import { ImportErrors as E } from './imports.errors.js';

export type Encoding = 'utf-8' | 'utf-8-bom' | 'windows-1252';
export type Delimiter = ',' | ';' | '\t';

export interface DecodedCsv {
  encoding: Encoding;
  delimiter: Delimiter;
  /** The character that separates decimals in this file: `,` when cells are split by `;`. */
  decimalSeparator: '.' | ',';
  header: string[];
  /** Data rows with their spreadsheet row number (the header is row 1). */
  rows: { line: number; cells: string[] }[];
}

/**
 * Text from a CSV file: UTF-8 (with or without BOM), or Windows-1252 when the bytes are not
 * valid UTF-8 (what Excel on Windows writes with "CSV (delimitado por comas)").
 */
export function decodeText(content: Buffer): { text: string; encoding: Encoding } {
  if (content.length >= 3 && content[0] === 0xef && content[1] === 0xbb && content[2] === 0xbf) {
    return { text: content.subarray(3).toString('utf8'), encoding: 'utf-8-bom' };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(content), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(content, 'win1252'), encoding: 'windows-1252' };
  }
}

/** The delimiter that splits the header line into the most cells (quotes respected). */
export function detectDelimiter(text: string): Delimiter {
  const firstLine = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const counts: Record<Delimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  const best = (Object.entries(counts) as [Delimiter, number][]).sort((a, b) => b[1] - a[1])[0]!;
  return best[1] === 0 ? ',' : best[0];
}

/** Decodes, detects the delimiter and splits a CSV file. Errors: IMPORT_EMPTY_FILE, IMPORT_UNREADABLE. */
export function readCsv(content: Buffer): DecodedCsv {
  const { text, encoding } = decodeText(content);
  const delimiter = detectDelimiter(text);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
      bom: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    throw new AppError(E.IMPORT_UNREADABLE, { reason: (err as Error).message });
  }
  const nonBlank = records.filter((r) => r.record.some((c) => c.trim() !== ''));
  const head = nonBlank[0];
  if (!head || nonBlank.length < 2) throw new AppError(E.IMPORT_EMPTY_FILE);
  return {
    encoding,
    delimiter,
    decimalSeparator: delimiter === ';' ? ',' : '.',
    header: head.record.map((h) => h.trim()),
    rows: nonBlank.slice(1).map((r) => ({ line: r.info.lines, cells: r.record })),
  };
}

/** Writes one CSV line (RFC 4180 quoting), comma-delimited. */
export function csvLine(cells: (string | null | undefined)[]): string {
  return cells
    .map((c) => {
      const v = c ?? '';
      return /[",\r\n]/.test(v) || /^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
    })
    .join(',');
}

export type ValueResult =
  | { ok: true; value: string }
  | { ok: false; code: string; details: Record<string, unknown> };

const fail = (code: string, details: Record<string, unknown>): ValueResult => ({ ok: false, code, details });

/**
 * Reads an amount written the Mexican, US or European way into a plain decimal string:
 * "18.50", "18,50", "$1,299.00", "1.299,00", "1 299.00". Both separators present: the last
 * one is the decimal point. One separator followed by exactly three digits ("1,299", "1.299")
 * could be thousands or decimals: for money it is refused as ambiguous; for a quantity it is a
 * decimal when it is the file's decimal separator and ambiguous otherwise.
 */
export function parseDecimal(
  raw: string,
  opts: { places: number; kind: 'money' | 'quantity'; decimalSeparator: '.' | ',' },
): ValueResult {
  const value = raw.trim();
  const invalid = opts.kind === 'money' ? 'AMOUNT_INVALID' : 'QUANTITY_INVALID';
  const ambiguous = opts.kind === 'money' ? 'AMOUNT_AMBIGUOUS' : 'QUANTITY_AMBIGUOUS';
  let s = value.replace(/^\$\s*|\s*(mxn|mn|m\.n\.)$/gi, '').replace(/^\$\s*/, '');
  s = s.replace(/[\s\u00a0\u202f']/g, '');
  if (s.startsWith('-')) return fail(opts.kind === 'money' ? 'AMOUNT_NEGATIVE' : invalid, { value });
  s = s.replace(/^\+/, '');
  if (!/^\d[\d.,]*$/.test(s) || /[.,]$/.test(s)) return fail(invalid, { value });
  const seps = s.replace(/\d/g, '');
  let intPart: string;
  let fracPart = '';
  if (seps.length === 0) {
    intPart = s;
  } else {
    const lastSep = seps.at(-1)!;
    const otherSep = lastSep === '.' ? ',' : '.';
    const lastIdx = s.lastIndexOf(lastSep);
    const mixed = seps.includes(otherSep);
    const lastCount = seps.split(lastSep).length - 1;
    if (mixed) {
      // "1,299.00" / "1.299,00": the last separator is the decimal one, used once, after the others.
      if (lastCount > 1 || seps.indexOf(lastSep) !== seps.length - 1) return fail(invalid, { value });
      intPart = s.slice(0, lastIdx);
      fracPart = s.slice(lastIdx + 1);
      if (!groupedThousands(intPart, otherSep)) return fail(invalid, { value });
      intPart = intPart.split(otherSep).join('');
    } else if (lastCount > 1) {
      // "1,299,000" or "1.299.000": thousands only.
      if (!groupedThousands(s, lastSep)) return fail(invalid, { value });
      intPart = s.split(lastSep).join('');
    } else {
      const after = s.slice(lastIdx + 1);
      const before = s.slice(0, lastIdx);
      if (after.length === 3 && /^[1-9]\d{0,2}$/.test(before)) {
        if (opts.kind === 'money' || lastSep !== opts.decimalSeparator) return fail(ambiguous, { value });
      }
      intPart = before;
      fracPart = after;
    }
  }
  fracPart = fracPart.replace(/0+$/, '');
  if (fracPart.length > opts.places) {
    return fail(opts.kind === 'money' ? 'AMOUNT_TOO_MANY_DECIMALS' : invalid, { value, places: opts.places });
  }
  intPart = intPart.replace(/^0+(?=\d)/, '');
  if (intPart.length > 12) return fail(invalid, { value });
  const places = opts.kind === 'money' ? Math.max(2, fracPart.length) : Math.max(0, fracPart.length);
  const frac = fracPart.padEnd(places, '0');
  return { ok: true, value: frac ? `${intPart}.${frac}` : intPart };
}

function groupedThousands(s: string, sep: string): boolean {
  const groups = s.split(sep);
  return /^\d{1,3}$/.test(groups[0]!) && groups.slice(1).every((g) => /^\d{3}$/.test(g));
}

/** Excel turns long digit strings into "7.50105E+12", losing digits. */
export function isScientificNotation(raw: string): boolean {
  return /^\s*\d+([.,]\d+)?e[+-]?\d+\s*$/i.test(raw);
}

/** IVA written as 16, 16%, 0.16, iva16, 8, 0, exento. */
export function parseIva(raw: string): ValueResult {
  const v = raw.trim().toLowerCase().replace(/\s+/g, '').replace(/^iva/, '').replace(/%$/, '');
  const table: Record<string, string> = {
    '16': 'iva16',
    '0.16': 'iva16',
    '16.00': 'iva16',
    '8': 'iva8',
    '0.08': 'iva8',
    '8.00': 'iva8',
    '0': 'iva0',
    '0.00': 'iva0',
    exento: 'exento',
    exenta: 'exento',
    ex: 'exento',
    e: 'exento',
  };
  const kind = table[v];
  return kind ? { ok: true, value: kind } : fail('IVA_INVALID', { value: raw.trim() });
}

/**
 * IEPS as a rate ("8", "8%", "26.5", "0.265": below 1 is read as a fraction) or a quota per unit
 * ("cuota 1.6451", "$1.6451"). Empty, "0" or "no": no IEPS. Returns "none" or "rate:0.080000" /
 * "quota:1.645100".
 */
export function parseIeps(raw: string): ValueResult {
  const value = raw.trim();
  const v = value.toLowerCase().replace(/\s+/g, ' ');
  if (v === '' || v === '0' || v === '0%' || v === 'no' || v === 'ninguno' || v === 'n/a') {
    return { ok: true, value: 'none' };
  }
  const quota = /^(?:cuota:?\s*|\$\s*)(\d{1,6}(?:[.,]\d{1,6})?)$/.exec(v);
  if (quota) return { ok: true, value: `quota:${sixPlaces(quota[1]!.replace(',', '.'))}` };
  const rate = /^(?:tasa:?\s*)?(\d{1,3}(?:[.,]\d{1,6})?)\s*(%?)$/.exec(v);
  if (!rate) return fail('IEPS_INVALID', { value });
  const num = dec(rate[1]!.replace(',', '.'));
  // "8" / "8%" / "26.5": percent; "0.08": already a fraction (no IEPS rate is below 1 %).
  const fraction = rate[2] === '%' || num.gte(1) ? num.div(100) : num;
  if (fraction.decimalPlaces() > 6 || fraction.gt(9) || fraction.isZero())
    return fail('IEPS_INVALID', { value });
  return { ok: true, value: `rate:${fraction.toFixed(6)}` };
}

function sixPlaces(n: string): string {
  const [i, f = ''] = n.split('.') as [string, string?];
  return `${i.replace(/^0+(?=\d)/, '')}.${f.padEnd(6, '0').slice(0, 6)}`;
}

/** sí/si/s/yes/y/true/1/x and no/n/false/0; empty means "not given". */
export function parseBool(
  raw: string,
): { ok: true; value: boolean | undefined } | { ok: false; code: string; details: Record<string, unknown> } {
  const v = raw
    .trim()
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');
  if (v === '') return { ok: true, value: undefined };
  if (['si', 's', 'yes', 'y', 'true', '1', 'x', 'verdadero'].includes(v)) return { ok: true, value: true };
  if (['no', 'n', 'false', '0', 'falso'].includes(v)) return { ok: true, value: false };
  return { ok: false, code: 'BOOLEAN_INVALID', details: { value: raw.trim() } };
}
