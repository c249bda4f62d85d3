import { z } from 'zod';
import { translateDbError } from '../../db/errors.js';
import type { Ctx } from '../../shared/context.js';
import { AppError, messageFor } from '../../shared/errors.js';
import { D } from '../../shared/money.js';
import { businessDate } from '../../shared/time.js';
import {
  changeCreditLimit,
  creditLimitsOf,
  listReceivables,
  recordFirstOpeningBalance,
} from '../accounts/accounts.service.js';
import { recordAudit } from '../events/events.service.js';
import {
  type Customer,
  createCustomer,
  findCustomerByEmail,
  findCustomerByPhone,
  recordConsent,
  searchCustomers,
  updateCustomer,
} from '../customers/customers.service.js';
import { normalizePhone } from '../customers/phone.js';
import { businessTimezone } from '../identity/timezone.js';
import { normalizeHeader } from './columns.js';
import {
  csvLine,
  type Delimiter,
  type Encoding,
  isScientificNotation,
  parseBool,
  parseDecimal,
  readCsv,
} from './csv.js';
import { ImportErrors as E } from './imports.errors.js';
import { type ImportCellError, inRowTransaction } from './imports.service.js';
import { zCellError, zImportFileReport } from './report.js';

/** What a column of a customers file can carry. */
export const CUSTOMER_FIELDS = [
  'name',
  'phone',
  'email',
  'rfc',
  'razonSocial',
  'regimenFiscal',
  'usoCfdi',
  'codigoPostal',
  'notes',
  'creditLimit',
  'balance',
  'since',
  'marketingConsent',
] as const;
export type CustomerField = (typeof CUSTOMER_FIELDS)[number];

/** Spanish name of each field, for messages and for the template's header. */
export const CUSTOMER_HEADERS: Record<CustomerField, string> = {
  name: 'nombre',
  phone: 'telefono',
  email: 'correo',
  rfc: 'rfc',
  razonSocial: 'razon_social',
  regimenFiscal: 'regimen_fiscal',
  usoCfdi: 'uso_cfdi',
  codigoPostal: 'codigo_postal',
  notes: 'notas',
  creditLimit: 'limite_credito',
  balance: 'saldo',
  since: 'debe_desde',
  marketingConsent: 'acepta_promociones',
};

/** Header spellings accepted for each field, after `normalizeHeader`. */
const ALIASES: Record<CustomerField, string[]> = {
  name: ['nombre', 'name', 'cliente', 'nombre_cliente', 'nombre_del_cliente', 'nombre_completo'],
  phone: ['telefono', 'tel', 'celular', 'cel', 'whatsapp', 'movil', 'phone', 'telefono_celular', 'numero'],
  email: ['correo', 'email', 'e_mail', 'mail', 'correo_electronico'],
  rfc: ['rfc'],
  razonSocial: ['razon_social', 'nombre_fiscal', 'denominacion'],
  regimenFiscal: ['regimen_fiscal', 'regimen'],
  usoCfdi: ['uso_cfdi', 'uso_de_cfdi', 'uso'],
  codigoPostal: ['codigo_postal', 'cp', 'c_p', 'c_p_', 'cp_fiscal', 'codigo_postal_fiscal'],
  notes: ['notas', 'nota', 'observaciones', 'comentarios', 'notes'],
  creditLimit: ['limite_credito', 'limite_de_credito', 'credito', 'limite', 'credit_limit'],
  balance: [
    'saldo',
    'saldo_inicial',
    'adeudo',
    'debe',
    'deuda',
    'saldo_pendiente',
    'fiado',
    'balance',
    'opening_balance',
  ],
  since: [
    'debe_desde',
    'desde',
    'fecha',
    'fecha_adeudo',
    'fecha_del_adeudo',
    'fecha_saldo',
    'since',
    'adeudo_desde',
  ],
  marketingConsent: [
    'acepta_promociones',
    'promociones',
    'acepta_publicidad',
    'marketing',
    'marketing_consent',
  ],
};

const aliasToField = new Map<string, CustomerField>();
for (const f of CUSTOMER_FIELDS) {
  aliasToField.set(f.toLowerCase(), f);
  for (const a of ALIASES[f]) aliasToField.set(a, f);
}

function fieldOf(name: string): CustomerField | null {
  return aliasToField.get(normalizeHeader(name)) ?? null;
}

export const zCustomerImportRow = z.object({
  /** Spreadsheet row number: the header is row 1. */
  row: z.number(),
  name: z.string(),
  /** As normalised (E.164) when it could be read, else as written. */
  phone: z.string(),
  status: z.enum(['created', 'updated', 'unchanged', 'error']),
  errors: z.array(zCellError),
  warnings: z.array(zCellError),
  customerId: z.string().optional(),
  /** The debt carried over to the account by this row. */
  openingBalance: z.string().optional(),
});

export const zCustomerImportReport = zImportFileReport.extend({
  unchanged: z.number(),
  /** Opening balances recorded (or, on a dry run, that would be) and their sum. */
  openingBalances: z.number(),
  openingTotal: z.string(),
  rows: z.array(zCustomerImportRow),
});
export type CustomerImportReport = z.infer<typeof zCustomerImportReport>;
type RowResult = z.infer<typeof zCustomerImportRow>;

export interface ImportCustomersInput {
  content: Buffer;
  /** File column → field (`{ "Cel.": "telefono", "Debe": "saldo" }`); "ignorar" drops a column. */
  mapping?: Record<string, string>;
  dryRun: boolean;
  onProgress?: (done: number, total: number) => void;
}

type Plan = Map<CustomerField, { index: number; header: string }>;

function planColumns(header: string[], mapping: Record<string, string>): { plan: Plan; ignored: string[] } {
  const mapped = new Map<number, CustomerField | null>();
  for (const [column, target] of Object.entries(mapping)) {
    let idx = header.indexOf(column.trim());
    if (idx < 0) idx = header.findIndex((h) => normalizeHeader(h) === normalizeHeader(column));
    if (idx < 0) throw new AppError(E.IMPORT_MAPPED_COLUMN_MISSING, { column });
    const t = normalizeHeader(target);
    if (t === '' || t === 'ignorar' || t === 'ignore') mapped.set(idx, null);
    else {
      const f = fieldOf(target);
      if (!f)
        throw new AppError(E.IMPORT_UNKNOWN_FIELD, {
          mapping: `${column}=${target}`,
          fields: Object.values(CUSTOMER_HEADERS).join(', '),
        });
      mapped.set(idx, f);
    }
  }
  const plan: Plan = new Map();
  const ignored: string[] = [];
  const columnsOf = new Map<CustomerField, string[]>();
  header.forEach((h, index) => {
    const f = mapped.has(index) ? mapped.get(index)! : fieldOf(h);
    if (!f) {
      if (h !== '') ignored.push(h);
      return;
    }
    columnsOf.set(f, [...(columnsOf.get(f) ?? []), h]);
    plan.set(f, { index, header: h });
  });
  for (const [f, cols] of columnsOf) {
    if (cols.length > 1)
      throw new AppError(E.IMPORT_DUPLICATE_COLUMN, { field: CUSTOMER_HEADERS[f], columns: cols.join(', ') });
  }
  if (!plan.has('phone') && !plan.has('email')) {
    throw new AppError(E.IMPORT_MISSING_COLUMNS, {
      missing: 'telefono o correo',
      columns: ['telefono', 'correo'],
    });
  }
  return { plan, ignored };
}

/**
 * A date as a Mexican spreadsheet writes it: día/mes/año ("15/03/2026", "5-3-26", "15.03.2026")
 * or ISO ("2026-03-15"). Never month first: "03/15/2026" is an error, not a guess.
 */
export function parseDay(raw: string): string | null {
  const v = raw.trim();
  let y: number;
  let m: number;
  let d: number;
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(v);
  if (match) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else {
    match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(v);
    if (!match) return null;
    [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
    if (y < 100) y += 2000;
  }
  const iso = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  const t = new Date(`${iso}T12:00:00Z`);
  return !Number.isNaN(t.getTime()) && t.toISOString().startsWith(iso) ? iso : null;
}

const EMAIL = z.email();

/** Which column an error of the customers or accounts modules is about. */
const FIELD_OF_CODE: Record<string, CustomerField> = {
  CUSTOMER_PHONE_INVALID: 'phone',
  CUSTOMER_PHONE_DUPLICATE: 'phone',
  CUSTOMER_EMAIL_DUPLICATE: 'email',
  CUSTOMER_CONTACT_REQUIRED: 'phone',
  CUSTOMER_RFC_INVALID: 'rfc',
  CUSTOMER_RFC_DATE_INVALID: 'rfc',
  CUSTOMER_GENERIC_RFC_FISCAL: 'rfc',
  CUSTOMER_REGIMEN_FISCAL_INVALID: 'regimenFiscal',
  CUSTOMER_REGIMEN_PERSON_TYPE: 'regimenFiscal',
  CUSTOMER_USO_CFDI_INVALID: 'usoCfdi',
  CUSTOMER_USO_CFDI_PERSON_TYPE: 'usoCfdi',
  CUSTOMER_USO_CFDI_REGIMEN: 'usoCfdi',
  CUSTOMER_CODIGO_POSTAL_INVALID: 'codigoPostal',
  ACCOUNT_OPENING_DATE_INVALID: 'since',
};

/**
 * Imports customers from a CSV file (the notebook or the old system's list): one profile per
 * phone (any Mexican form, E.164 after) or e-mail, created or completed with the cells the row
 * fills (an empty cell changes nothing), with fiscal data checked as at the counter, a credit
 * limit, marketing consent (recorded with channel "import") and the debt carried over as the
 * account's opening balance since the row's date. An opening balance is only recorded on an
 * account with nothing on it yet, so a file imported twice never doubles a debt. Each row in its
 * own transaction (a savepoint inside a caller's): written whole or listed with its reasons.
 * Whole-file errors: IMPORT_EMPTY_FILE, IMPORT_UNREADABLE, IMPORT_MISSING_COLUMNS,
 * IMPORT_DUPLICATE_COLUMN, IMPORT_UNKNOWN_FIELD, IMPORT_MAPPED_COLUMN_MISSING.
 */
export async function importCustomers(ctx: Ctx, input: ImportCustomersInput): Promise<CustomerImportReport> {
  const csv = readCsv(input.content);
  const { plan, ignored } = planColumns(csv.header, input.mapping ?? {});
  const today = businessDate(ctx.now, await businessTimezone(ctx));
  const seen = new Map<string, number>();
  const report: CustomerImportReport = {
    dryRun: input.dryRun,
    encoding: csv.encoding as Encoding,
    delimiter: csv.delimiter as Delimiter,
    total: csv.rows.length,
    created: 0,
    updated: 0,
    unchanged: 0,
    failed: 0,
    openingBalances: 0,
    openingTotal: '0.00',
    ignoredColumns: ignored,
    rows: [],
  };
  let openingTotal = new D(0);
  let done = 0;
  for (const { line, cells } of csv.rows) {
    const r = await importRow(ctx, {
      line,
      cells,
      plan,
      decimalSeparator: csv.decimalSeparator,
      today,
      seen,
      dryRun: input.dryRun,
    });
    report.rows.push(r);
    if (r.status === 'error') report.failed++;
    else report[r.status]++;
    if (r.openingBalance) {
      report.openingBalances++;
      openingTotal = openingTotal.plus(r.openingBalance);
    }
    input.onProgress?.(++done, csv.rows.length);
  }
  report.openingTotal = openingTotal.toFixed(2);
  return report;
}

interface RowInput {
  line: number;
  cells: string[];
  plan: Plan;
  decimalSeparator: '.' | ',';
  today: string;
  /** phone (E.164) or e-mail → the first row that named it */
  seen: Map<string, number>;
  dryRun: boolean;
}

interface ParsedRow {
  name?: string;
  phone?: string;
  email?: string;
  fiscal: {
    rfc?: string;
    razonSocial?: string;
    regimenFiscal?: string;
    usoCfdi?: string;
    codigoPostal?: string;
  };
  notes?: string;
  creditLimit?: string;
  balance?: string;
  since?: string;
  consent?: boolean;
}

function parseRow(
  r: RowInput,
  addError: (f: CustomerField, code: string, details?: Record<string, unknown>) => void,
  addWarning: (f: CustomerField, code: string, details?: Record<string, unknown>) => void,
): ParsedRow {
  const cell = (f: CustomerField): string | undefined => {
    const c = r.plan.get(f);
    const v = c ? (r.cells[c.index] ?? '').trim() : '';
    return v === '' ? undefined : v;
  };
  const out: ParsedRow = { fiscal: {} };
  out.name = cell('name');
  if (out.name && out.name.length > 200)
    addError('name', E.VALUE_INVALID, { reason: 'el nombre pasa de 200 caracteres.' });

  const phone = cell('phone');
  if (phone !== undefined) {
    if (isScientificNotation(phone)) addError('phone', E.PHONE_SCIENTIFIC_NOTATION, { value: phone });
    else {
      const n = normalizePhone(phone);
      if (!n) addError('phone', 'CUSTOMER_PHONE_INVALID', { phone });
      else out.phone = n;
    }
  }
  const email = cell('email');
  if (email !== undefined) {
    if (!EMAIL.safeParse(email).success) addError('email', E.EMAIL_INVALID, { value: email });
    else out.email = email.toLowerCase();
  }
  if (phone === undefined && email === undefined) addError('phone', 'CUSTOMER_CONTACT_REQUIRED');
  for (const key of [out.phone, out.email]) {
    if (!key) continue;
    const first = r.seen.get(key);
    if (first !== undefined) {
      addError(key === out.phone ? 'phone' : 'email', E.CUSTOMER_DUPLICATE_IN_FILE, {
        value: key,
        firstRow: first,
      });
      break;
    }
  }
  for (const key of [out.phone, out.email]) if (key && !r.seen.has(key)) r.seen.set(key, r.line);

  out.fiscal = {
    rfc: cell('rfc')?.toUpperCase(),
    razonSocial: cell('razonSocial'),
    regimenFiscal: cell('regimenFiscal')?.replace(/\s*[-–].*$/, ''),
    usoCfdi: cell('usoCfdi')
      ?.replace(/\s*[-–].*$/, '')
      .toUpperCase(),
    codigoPostal: cell('codigoPostal'),
  };
  // Excel drops the leading zero of 01000 (CDMX): four digits are read back with it.
  if (out.fiscal.codigoPostal && /^\d{4}$/.test(out.fiscal.codigoPostal))
    out.fiscal.codigoPostal = `0${out.fiscal.codigoPostal}`;
  out.notes = cell('notes');

  const money = (f: 'creditLimit' | 'balance') => {
    const v = cell(f);
    if (v === undefined) return undefined;
    const res = parseDecimal(v, { places: 2, kind: 'money', decimalSeparator: r.decimalSeparator });
    if (res.ok) return res.value;
    addError(f, res.code, res.details);
    return undefined;
  };
  out.creditLimit = money('creditLimit');
  const balance = money('balance');
  if (balance !== undefined && !new D(balance).isZero()) out.balance = balance;

  const since = cell('since');
  if (since !== undefined) {
    const day = parseDay(since);
    if (!day) addError('since', E.DATE_INVALID, { value: since });
    else out.since = day;
  }
  if (out.balance && !since) {
    out.since = r.today;
    addWarning('since', E.OPENING_SINCE_TODAY, { today: r.today.split('-').reverse().join('/') });
  }
  const consent = cell('marketingConsent');
  if (consent !== undefined) {
    const b = parseBool(consent);
    if (b.ok) out.consent = b.value;
    else addError('marketingConsent', b.code, b.details);
  }
  return out;
}

async function importRow(ctx: Ctx, r: RowInput): Promise<RowResult> {
  const errors: ImportCellError[] = [];
  const warnings: ImportCellError[] = [];
  const columnOf = (f: CustomerField) => r.plan.get(f)?.header ?? CUSTOMER_HEADERS[f];
  const note =
    (list: ImportCellError[]) =>
    (f: CustomerField | '', code: string, details: Record<string, unknown> = {}) =>
      list.push({ column: f ? columnOf(f) : '', code, message: messageFor(code, 'es', details) });
  const addError = note(errors);
  const addWarning = note(warnings);
  const p = parseRow(r, addError, addWarning);
  const result: RowResult = {
    row: r.line,
    name: p.name ?? '',
    phone: p.phone ?? (r.plan.has('phone') ? (r.cells[r.plan.get('phone')!.index] ?? '').trim() : ''),
    status: 'error',
    errors,
    warnings,
  };
  // A row that is not imported has nothing to warn about: its errors say what to fix.
  if (errors.length > 0) {
    warnings.length = 0;
    return result;
  }

  try {
    await inRowTransaction(ctx, r.dryRun, async (tx) => {
      const existing =
        (p.phone ? await findCustomerByPhone(tx, p.phone) : null) ??
        (p.email ? await findCustomerByEmail(tx, p.email) : null);
      let customer: Customer;
      let changed = false;
      if (!existing) {
        customer = await createCustomer(tx, {
          name: p.name,
          phone: p.phone,
          email: p.email,
          ...p.fiscal,
          notes: p.notes,
          marketingConsent: p.consent === undefined ? undefined : { granted: p.consent, channel: 'import' },
        });
        result.status = 'created';
      } else {
        const patch = differences(existing, p);
        if (Object.keys(patch).length > 0) {
          await updateCustomer(tx, existing.id, patch);
          changed = true;
        }
        if (p.consent !== undefined && p.consent !== existing.marketingConsent.granted) {
          await recordConsent(tx, existing.id, { granted: p.consent, channel: 'import' });
          changed = true;
        }
        customer = existing;
      }
      result.customerId = customer.id;
      if (p.creditLimit !== undefined && (await changeCreditLimit(tx, customer.id, p.creditLimit)))
        changed = true;
      if (p.balance) {
        const opening = await recordFirstOpeningBalance(tx, customer.id, {
          amount: p.balance,
          since: p.since ?? r.today,
          note: 'Saldo inicial importado',
        });
        if (opening.recorded) {
          result.openingBalance = p.balance;
          changed = true;
        } else {
          addWarning('balance', E.OPENING_SKIPPED_ACCOUNT_IN_USE, {
            amount: p.balance,
            balance: opening.balance,
          });
        }
      }
      if (result.status !== 'created') result.status = changed ? 'updated' : 'unchanged';
    });
  } catch (err) {
    result.status = 'error';
    warnings.length = 0;
    delete result.customerId;
    delete result.openingBalance;
    const e = translateDbError(err);
    if (e instanceof AppError) addError(FIELD_OF_CODE[e.code] ?? '', e.code, e.details);
    else addError('', E.IMPORT_ROW_FAILED, { reason: (e as Error).message ?? String(e) });
  }
  return result;
}

/** The cells of a row that say something else than the stored profile (empty cells say nothing). */
function differences(c: Customer, p: ParsedRow): Parameters<typeof updateCustomer>[2] {
  const patch: Parameters<typeof updateCustomer>[2] = {};
  if (p.name !== undefined && p.name !== c.name) patch.name = p.name;
  if (p.phone !== undefined && p.phone !== c.phone) patch.phone = p.phone;
  if (p.email !== undefined && p.email !== c.email) patch.email = p.email;
  if (p.fiscal.rfc !== undefined && p.fiscal.rfc !== c.rfc) patch.rfc = p.fiscal.rfc;
  if (p.fiscal.razonSocial !== undefined && p.fiscal.razonSocial !== c.razonSocial)
    patch.razonSocial = p.fiscal.razonSocial;
  if (p.fiscal.regimenFiscal !== undefined && p.fiscal.regimenFiscal !== c.regimenFiscal)
    patch.regimenFiscal = p.fiscal.regimenFiscal;
  if (p.fiscal.usoCfdi !== undefined && p.fiscal.usoCfdi !== c.usoCfdi) patch.usoCfdi = p.fiscal.usoCfdi;
  if (p.fiscal.codigoPostal !== undefined && p.fiscal.codigoPostal !== c.codigoPostal)
    patch.codigoPostal = p.fiscal.codigoPostal;
  if (p.notes !== undefined && p.notes !== c.notes) patch.notes = p.notes;
  return patch;
}

/** An example file with every column the import reads (UTF-8 with BOM, so Excel shows accents). */
export function customersTemplate(): Buffer {
  const rows = [
    CUSTOMER_FIELDS.map((f) => CUSTOMER_HEADERS[f]),
    [
      'Mercedes Ramírez',
      '55 1234 5678',
      '',
      '',
      '',
      '',
      '',
      '',
      'Paga los viernes',
      '1500.00',
      '380.00',
      '15/10/2026',
      'no',
    ],
    [
      'Ferretería El Clavo SA de CV',
      '',
      'compras@elclavo.mx',
      'FEC050101AB1',
      'FERRETERIA EL CLAVO',
      '601',
      'G03',
      '06600',
      '',
      '',
      '',
      '',
      '',
    ],
  ];
  return Buffer.from(`\uFEFF${rows.map(csvLine).join('\r\n')}\r\n`, 'utf8');
}

/**
 * Every live customer as a CSV in the import's own columns (UTF-8 with BOM): what a business takes
 * to another system or another Mostrador. `saldo` is what each one owes now and `debe_desde` the
 * day of the oldest purchase not paid yet, so the file imported into a new Mostrador carries the
 * debts over (their split by age collapses to that day); imported back into this one it changes
 * nothing (those accounts are in use). A list of personal data leaving the system: audited.
 */
export async function exportCustomers(ctx: Ctx): Promise<Buffer> {
  const tz = await businessTimezone(ctx);
  const lines = [csvLine(CUSTOMER_FIELDS.map((f) => CUSTOMER_HEADERS[f]))];
  let after: string | undefined;
  let count = 0;
  for (;;) {
    const page = await searchCustomers(ctx, { limit: 200, after });
    const ids = page.items.map((c) => c.id);
    const [owed, limits] = await Promise.all([
      listReceivables(ctx, { customerIds: ids, limit: ids.length || 1 }),
      creditLimitsOf(ctx, ids),
    ]);
    const debts = new Map(owed.items.map((r) => [r.customerId, r]));
    for (const c of page.items) {
      const debt = debts.get(c.id);
      const values: Record<CustomerField, string> = {
        name: c.name,
        phone: c.phone ?? '',
        email: c.email ?? '',
        rfc: c.rfc ?? '',
        razonSocial: c.razonSocial ?? '',
        regimenFiscal: c.regimenFiscal ?? '',
        usoCfdi: c.usoCfdi ?? '',
        codigoPostal: c.codigoPostal ?? '',
        notes: c.notes ?? '',
        creditLimit: limits.get(c.id) ?? '',
        balance: debt?.balance ?? '',
        since: debt?.oldestUnpaidAt
          ? businessDate(new Date(debt.oldestUnpaidAt), tz).split('-').reverse().join('/')
          : '',
        // empty when the person never said: the import then records no decision for them
        marketingConsent: c.marketingConsent.granted ? 'si' : c.marketingConsent.at ? 'no' : '',
      };
      lines.push(csvLine(CUSTOMER_FIELDS.map((f) => values[f])));
      count++;
    }
    if (!page.last) break;
    after = page.last;
  }
  await recordAudit(ctx, {
    action: 'customer.list_exported',
    entityType: 'business',
    entityId: ctx.tenantId,
    data: { customers: count },
  });
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}
