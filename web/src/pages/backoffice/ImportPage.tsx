import { D } from '@server/shared/money.js';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { API_BASE, ApiError, NetworkError, qs } from '../../lib/api';
import { formatMoney } from '../../lib/format';
import { getLocale } from '../../lib/i18n';
import { useL } from './lang';
import { ErrorBox, LocationSelect, PageHeader } from './ui';

interface CellError {
  column: string;
  code: string;
  message: string;
}
interface ImportRow {
  row: number;
  /** products */
  sku?: string;
  /** customers */
  name?: string;
  phone?: string;
  status: 'created' | 'updated' | 'unchanged' | 'error';
  errors: CellError[];
  warnings: CellError[];
}
interface ImportReport {
  dryRun: boolean;
  total: number;
  created: number;
  updated: number;
  /** customers only */
  unchanged?: number;
  failed: number;
  openingBalances?: number;
  openingTotal?: string;
  ignoredColumns: string[];
  rows: ImportRow[];
}

export type ImportKind = 'products' | 'customers';

const ROWS_PER_CHUNK = 100;

/**
 * Splits the file's bytes into header + up to ROWS_PER_CHUNK records per piece, at line ends
 * outside quotes. Works on bytes, so it is right for UTF-8 and Windows-1252 alike (0x0A and
 * 0x22 are never part of another character in either); each piece is a CSV the server reads alone.
 */
export function splitCsv(
  bytes: Uint8Array,
  perChunk = ROWS_PER_CHUNK,
): { chunks: Uint8Array[]; records: number[] } {
  const ends: number[] = [];
  let quoted = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x22) quoted = !quoted;
    else if (b === 0x0a && !quoted) ends.push(i + 1);
  }
  if (ends.at(-1) !== bytes.length) ends.push(bytes.length);
  const header = bytes.subarray(0, ends[0]);
  const headerNoBom =
    header[0] === 0xef && header[1] === 0xbb && header[2] === 0xbf ? header.subarray(3) : header;
  const lines: [number, number][] = [];
  for (let k = 1; k < ends.length; k++) {
    const [a, b] = [ends[k - 1]!, ends[k]!];
    const blank = bytes.subarray(a, b).every((x) => x === 0x0a || x === 0x0d || x === 0x20);
    if (!blank) lines.push([a, b]);
  }
  const chunks: Uint8Array[] = [];
  const records: number[] = [];
  for (let k = 0; k < lines.length; k += perChunk) {
    const part = lines.slice(k, k + perChunk);
    const head = k === 0 ? header : headerNoBom;
    const size = head.length + part.reduce((n, [a, b]) => n + (b - a), 0) + 1;
    const out = new Uint8Array(size);
    out.set(head, 0);
    let at = head.length;
    if (head[head.length - 1] !== 0x0a) out[at++] = 0x0a;
    for (const [a, b] of part) {
      out.set(bytes.subarray(a, b), at);
      at += b - a;
    }
    chunks.push(out.subarray(0, at));
    records.push(part.length);
  }
  return { chunks, records };
}

async function postChunk(
  kind: ImportKind,
  chunk: Uint8Array,
  dryRun: boolean,
  locationId: string,
): Promise<ImportReport> {
  let res: Response;
  try {
    res = await fetch(
      `${API_BASE}/imports/${kind}${qs({ dryRun, defaultLocationId: kind === 'products' ? locationId || undefined : undefined })}`,
      {
        method: 'POST',
        headers: {
          'content-type': 'text/csv',
          accept: 'application/json',
          'accept-language': getLocale() === 'en' ? 'en' : 'es-MX',
        },
        credentials: 'same-origin',
        body: chunk as BodyInit,
      },
    );
  } catch (err) {
    throw new NetworkError(String(err));
  }
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const e = data?.error;
    throw new ApiError(
      res.status,
      e?.code ?? 'HTTP_ERROR',
      e?.message ?? `HTTP ${res.status}`,
      e?.details ?? {},
    );
  }
  return data as ImportReport;
}

/**
 * CSV import with a progress bar and the per-row error report: products (upsert by SKU, initial
 * stock) or customers (profiles and the debts they carry over from the notebook).
 */
export function ImportPage({ kind = 'products' }: { kind?: ImportKind }) {
  const l = useL();
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [locationId, setLocationId] = useState('');
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function run(dryRun: boolean) {
    if (!file) return;
    setBusy(true);
    setFailure(null);
    setReport(null);
    try {
      const { chunks, records } = splitCsv(new Uint8Array(await file.arrayBuffer()));
      const total = records.reduce((a, b) => a + b, 0);
      const acc: ImportReport = {
        dryRun,
        total,
        created: 0,
        updated: 0,
        unchanged: 0,
        failed: 0,
        openingBalances: 0,
        openingTotal: '0.00',
        ignoredColumns: [],
        rows: [],
      };
      setProgress({ done: 0, total });
      let offset = 0;
      for (const [k, chunk] of chunks.entries()) {
        const r = await postChunk(kind, chunk, dryRun, locationId);
        acc.created += r.created;
        acc.updated += r.updated;
        acc.unchanged = (acc.unchanged ?? 0) + (r.unchanged ?? 0);
        acc.failed += r.failed;
        acc.openingBalances = (acc.openingBalances ?? 0) + (r.openingBalances ?? 0);
        acc.openingTotal = new D(acc.openingTotal ?? 0).plus(r.openingTotal ?? 0).toFixed(2);
        acc.ignoredColumns = r.ignoredColumns;
        acc.rows.push(...r.rows.map((row) => ({ ...row, row: row.row + offset })));
        offset += records[k]!;
        setProgress({ done: offset, total });
      }
      setReport(acc);
      if (!dryRun)
        for (const key of kind === 'products'
          ? ['products']
          : ['customers', 'receivables', 'customer-account'])
          await qc.invalidateQueries({ queryKey: [key] });
    } catch (err) {
      setFailure(err);
    } finally {
      setBusy(false);
    }
  }

  const pct = progress && progress.total > 0 ? Math.round((progress.done * 100) / progress.total) : 0;
  const problems = report?.rows.filter((r) => r.errors.length > 0 || r.warnings.length > 0) ?? [];

  const customers = kind === 'customers';
  return (
    <div>
      <PageHeader
        title={
          customers
            ? l('Importar clientes y saldos desde CSV', 'Import customers and balances from CSV')
            : l('Importar productos desde CSV', 'Import products from CSV')
        }
      >
        <Link className="button" to={customers ? '/admin/customers' : '/admin/products'}>
          {l('Regresar', 'Back')}
        </Link>
      </PageHeader>
      <section className="card bo-section">
        {customers ? (
          <p className="muted">
            {l(
              'Columnas: nombre, telefono o correo (uno de los dos en cada fila), saldo y debe_desde (lo que ya debían en la libreta y desde cuándo, día/mes/año), limite_credito, rfc, razon_social, regimen_fiscal, uso_cfdi, codigo_postal, acepta_promociones, notas. Un cliente que ya existe (mismo teléfono o correo) se completa con las celdas llenas; su saldo solo se carga si su cuenta no tiene movimientos, así que importar dos veces el mismo archivo no duplica ninguna deuda.',
              'Columns: name, phone or e-mail (one of them on each row), balance and since (what they already owed in the notebook and since when, day/month/year), credit limit, RFC and fiscal data, marketing consent, notes. An existing customer (same phone or e-mail) is completed with the filled cells; a balance is only loaded onto an account with no movements, so importing the same file twice never doubles a debt.',
            )}{' '}
            <a href={`${API_BASE}/imports/customers/template`} download>
              {l('Descarga la plantilla.', 'Download the template.')}
            </a>
          </p>
        ) : (
          <p className="muted">
            {l(
              'Columnas: sku, nombre, precio, codigo_barras, clave_sat, clave_unidad, iva, ieps, costo, existencia… Acepta UTF-8 o el CSV de Excel (Windows-1252), con coma o punto y coma. Cada fila se importa completa o se lista con su error.',
              'Columns: sku, name, price, barcode, SAT keys, taxes, cost, stock… UTF-8 or Excel CSV (Windows-1252), comma or semicolon. Each row is imported whole or listed with its error.',
            )}{' '}
            <a href="/api/v1/exports/products" download>
              {l('Descarga tu catálogo actual como ejemplo.', 'Download your catalog as an example.')}
            </a>
          </p>
        )}
        <div className="bo-filters">
          <input
            type="file"
            accept=".csv,text/csv"
            aria-label={l('Archivo CSV', 'CSV file')}
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
          {customers ? null : (
            <LocationSelect
              value={locationId}
              onChange={setLocationId}
              label={l('Existencia inicial en', 'Initial stock at')}
            />
          )}
          <button type="button" className="button" disabled={!file || busy} onClick={() => void run(true)}>
            {l('Revisar sin guardar', 'Check only')}
          </button>
          <button
            type="button"
            className="button primary"
            disabled={!file || busy}
            onClick={() => void run(false)}
          >
            {l('Importar', 'Import')}
          </button>
        </div>
        {progress ? (
          <div
            className="bo-progress"
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={pct}
          >
            <div style={{ width: `${pct}%` }} />
            <span>
              {l(`${progress.done} de ${progress.total} filas`, `${progress.done} of ${progress.total} rows`)}{' '}
              · {pct} %
            </span>
          </div>
        ) : null}
        <ErrorBox error={failure} />
      </section>
      {report ? (
        <section className="card bo-section" data-testid="import-report">
          <h2>
            {report.dryRun
              ? l('Revisión (no se guardó nada)', 'Check (nothing saved)')
              : l('Resultado', 'Result')}
          </h2>
          <p>
            {customers
              ? l(
                  `${report.created} nuevos · ${report.updated} actualizados · ${report.unchanged ?? 0} sin cambios · ${report.failed} con error, de ${report.total} filas.`,
                  `${report.created} created · ${report.updated} updated · ${report.unchanged ?? 0} unchanged · ${report.failed} failed, of ${report.total} rows.`,
                )
              : l(
                  `${report.created} nuevos · ${report.updated} actualizados · ${report.failed} con error, de ${report.total} filas.`,
                  `${report.created} created · ${report.updated} updated · ${report.failed} failed, of ${report.total} rows.`,
                )}
            {report.ignoredColumns.length > 0
              ? ` ${l('Columnas ignoradas', 'Ignored columns')}: ${report.ignoredColumns.join(', ')}.`
              : ''}
          </p>
          {customers ? (
            <p data-testid="import-openings">
              {report.dryRun
                ? l(
                    `Saldos que se cargarían: ${report.openingBalances ?? 0}, por ${formatMoney(report.openingTotal ?? '0')}.`,
                    `Balances that would be loaded: ${report.openingBalances ?? 0}, for ${formatMoney(report.openingTotal ?? '0')}.`,
                  )
                : l(
                    `Saldos cargados: ${report.openingBalances ?? 0}, por ${formatMoney(report.openingTotal ?? '0')}.`,
                    `Balances loaded: ${report.openingBalances ?? 0}, for ${formatMoney(report.openingTotal ?? '0')}.`,
                  )}{' '}
              {!report.dryRun && (report.openingBalances ?? 0) > 0 ? (
                <Link to="/admin/receivables">{l('Ver cuentas por cobrar', 'See receivables')}</Link>
              ) : null}
            </p>
          ) : null}
          {problems.length > 0 ? (
            <table className="lines compact">
              <thead>
                <tr>
                  <th className="num">{l('Fila', 'Row')}</th>
                  <th>{customers ? l('Cliente', 'Customer') : 'SKU'}</th>
                  <th>{l('Columna', 'Column')}</th>
                  <th>{l('Problema', 'Problem')}</th>
                </tr>
              </thead>
              <tbody>
                {problems.flatMap((r) =>
                  [
                    ...r.errors.map((e) => ({ ...e, kind: 'error' })),
                    ...r.warnings.map((e) => ({ ...e, kind: 'warn' })),
                  ].map((e) => (
                    <tr
                      key={`${r.row}:${e.kind}:${e.column}:${e.code}:${e.message}`}
                      className={e.kind === 'error' ? 'row-error' : 'row-warn'}
                    >
                      <td className="num">{r.row}</td>
                      <td>{customers ? r.name || r.phone : r.sku}</td>
                      <td>{e.column}</td>
                      <td>{e.message}</td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
