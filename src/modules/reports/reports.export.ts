import type { FastifyReply } from 'fastify';
import { loadPackage } from '../../shared/load-package.js';

export type CellKind = 'text' | 'money' | 'quantity' | 'int' | 'percent' | 'datetime';

export interface Column<Row> {
  header: string;
  kind: CellKind;
  value: (row: Row) => string | number | null;
}

export const CHANNEL_LABELS: Record<string, string> = {
  counter: 'Mostrador',
  whatsapp: 'WhatsApp',
  shopify: 'Shopify',
  woocommerce: 'WooCommerce',
  storefront: 'Tienda en línea',
};

export const REASON_LABELS: Record<string, string> = {
  defectuoso: 'Defectuoso',
  no_le_quedo: 'No le quedó',
  cambio: 'Cambio',
  error_cobro: 'Error de cobro',
  otro: 'Otro',
};

/** An ISO instant as the business reads it: `23/11/2026 18:30`. */
export function localDateTime(isoInstant: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('es-MX', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(new Date(isoInstant));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('day')}/${get('month')}/${get('year')} ${get('hour')}:${get('minute')}`;
}

function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n;]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * CSV for spreadsheets: UTF-8 with a BOM (so Excel reads the accents), comma separated, CRLF,
 * decimals with a point exactly as the API returns them.
 */
export function toCsv<Row>(columns: Column<Row>[], rows: Row[]): Buffer {
  const lines = [columns.map((c) => csvField(c.header)).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvField(c.value(r))).join(','));
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8')]);
}

const NUM_FORMATS: Partial<Record<CellKind, string>> = {
  money: '"$"#,##0.00',
  quantity: '#,##0.###',
  int: '0',
  percent: '0.00',
};

/** One worksheet with a bold header row; money and quantities as number cells with formats. */
export async function toXlsx<Row>(title: string, columns: Column<Row>[], rows: Row[]): Promise<Buffer> {
  // Loaded on the first export: exceljs takes about 0.2 s to import, paid by every start otherwise.
  const { default: ExcelJS } = await loadPackage('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Mostrador';
  const ws = wb.addWorksheet(title.slice(0, 31));
  ws.columns = columns.map((c) => ({
    header: c.header,
    width: Math.max(12, c.header.length + 2),
    style: NUM_FORMATS[c.kind] ? { numFmt: NUM_FORMATS[c.kind] } : {},
  }));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) {
    ws.addRow(
      columns.map((c) => {
        const v = c.value(r);
        if (v === null || typeof v === 'number' || c.kind === 'text' || c.kind === 'datetime') return v;
        // The spreadsheet's own cell type is a double: the exact decimal string (≤ 12 integer
        // digits, ≤ 3 decimals) is converted only here, at the file's edge, for display and sums.
        return Number(v);
      }),
    );
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * Answers rows as a downloaded file (`fileName`, with its extension): CSV or one Excel worksheet
 * named `title`. The reply is taken untyped: a route whose schema describes the JSON answer sends
 * the file instead.
 */
export async function sendSpreadsheet<Row>(
  reply: FastifyReply,
  format: 'csv' | 'xlsx',
  file: { name: string; title: string },
  columns: Column<Row>[],
  rows: Row[],
) {
  reply.header('content-disposition', `attachment; filename="${file.name}"`);
  if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(toCsv(columns, rows));
  return reply
    .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .send(await toXlsx(file.title, columns, rows));
}
