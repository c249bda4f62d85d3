import { type Kysely, sql } from 'kysely';
import { translateDbError } from '../../db/errors.js';
import type { DB } from '../../db/schema.js';
import type { Ctx } from '../../shared/context.js';
import { AppError, messageFor } from '../../shared/errors.js';
import { dec } from '../../shared/money.js';
import { zProductInput } from '../catalog/catalog.schemas.js';
import {
  type CreateProductInput,
  createCategory,
  createProduct,
  getProduct,
  getSkuByCode,
  listCategories,
  listProducts,
  type UpdateProductInput,
  type UpdateSkuInput,
  updateProduct,
  updateSku,
} from '../catalog/catalog.service.js';
import type { IvaKind } from '../catalog/catalog.tables.js';
import { type Location, listLocations } from '../identity/identity.service.js';
import { getStockLevels, receiveStock } from '../inventory/inventory.service.js';
import {
  type ColumnTarget,
  FIELD_HEADERS,
  type ImportField,
  REQUIRED_FIELDS,
  normalizeHeader,
  targetOfHeader,
  targetOfMapping,
} from './columns.js';
import {
  csvLine,
  type Delimiter,
  type Encoding,
  isScientificNotation,
  parseBool,
  parseDecimal,
  parseIeps,
  parseIva,
  readCsv,
  type ValueResult,
} from './csv.js';
import { ImportErrors as E } from './imports.errors.js';

export interface ImportCellError {
  /** The column as the file names it (or the field's Spanish name when the file lacks it). */
  column: string;
  code: string;
  message: string;
}

export interface ImportRowResult {
  /** Spreadsheet row number: the header is row 1. */
  row: number;
  sku: string;
  status: 'created' | 'updated' | 'error';
  errors: ImportCellError[];
  /** Things done differently from what the row asked (never silently). */
  warnings: ImportCellError[];
  productId?: string;
  skuId?: string;
}

export interface ImportReport {
  dryRun: boolean;
  encoding: Encoding;
  delimiter: Delimiter;
  total: number;
  created: number;
  updated: number;
  failed: number;
  /** Columns of the file that no field takes (kept out of the import). */
  ignoredColumns: string[];
  rows: ImportRowResult[];
}

export interface ImportProductsInput {
  content: Buffer;
  /** File column → field (`{ "Precio Público": "price", "Exist. Centro": "stock:Tienda Centro" }`). */
  mapping?: Record<string, string>;
  dryRun: boolean;
  /** Where a plain `existencia`/`stock` column goes. */
  defaultLocationId?: string;
  onProgress?: (done: number, total: number) => void;
}

interface Plan {
  fields: Map<ImportField, { index: number; header: string }>;
  stock: { index: number; header: string; location: Location }[];
  ignored: string[];
}

const ROLLBACK = Symbol('dry-run rollback');

/**
 * Imports products from a CSV file, one row at a time, each in its own transaction (a
 * savepoint when the caller already holds one): a row is created or updated whole, or listed
 * with its reasons and leaves nothing behind. Upsert by SKU (case-insensitive); initial stock
 * goes through the inventory ledger as a receipt, for new SKUs only. A dry run validates every
 * row against the database and rolls each one back.
 * Whole-file errors: IMPORT_EMPTY_FILE, IMPORT_UNREADABLE, IMPORT_MISSING_COLUMNS,
 * IMPORT_DUPLICATE_COLUMN, IMPORT_UNKNOWN_FIELD, IMPORT_MAPPED_COLUMN_MISSING,
 * IMPORT_UNKNOWN_LOCATION, IMPORT_NO_DEFAULT_LOCATION.
 */
export async function importProducts(ctx: Ctx, input: ImportProductsInput): Promise<ImportReport> {
  const csv = readCsv(input.content);
  const locations = await listLocations(ctx);
  const plan = planColumns(csv.header, input.mapping ?? {}, locations, input.defaultLocationId);
  const categories = new Map((await listCategories(ctx)).map((c) => [c.name.toLowerCase(), c.id]));
  const seenSkus = new Map<string, number>();
  const seenBarcodes = new Map<string, number>();
  const report: ImportReport = {
    dryRun: input.dryRun,
    encoding: csv.encoding,
    delimiter: csv.delimiter,
    total: csv.rows.length,
    created: 0,
    updated: 0,
    failed: 0,
    ignoredColumns: plan.ignored,
    rows: [],
  };
  let done = 0;
  for (const { line, cells } of csv.rows) {
    const result = await importRow(ctx, {
      line,
      cells,
      plan,
      decimalSeparator: csv.decimalSeparator,
      dryRun: input.dryRun,
      categories,
      seenSkus,
      seenBarcodes,
    });
    report.rows.push(result);
    if (result.status === 'created') report.created++;
    else if (result.status === 'updated') report.updated++;
    else report.failed++;
    done++;
    input.onProgress?.(done, csv.rows.length);
  }
  return report;
}

function planColumns(
  header: string[],
  mapping: Record<string, string>,
  locations: Location[],
  defaultLocationId: string | undefined,
): Plan {
  const byNormalized = new Map(header.map((h, i) => [normalizeHeader(h), i]));
  const mapped = new Map<number, ColumnTarget>();
  for (const [column, target] of Object.entries(mapping)) {
    const idx =
      header.indexOf(column.trim()) >= 0
        ? header.indexOf(column.trim())
        : byNormalized.get(normalizeHeader(column));
    if (idx === undefined) throw new AppError(E.IMPORT_MAPPED_COLUMN_MISSING, { column });
    mapped.set(idx, targetOfMapping(target, `${column}=${target}`));
  }
  const plan: Plan = { fields: new Map(), stock: [], ignored: [] };
  const fieldColumns = new Map<ImportField, string[]>();
  const stockColumns: { index: number; header: string; location: string | null }[] = [];
  header.forEach((h, index) => {
    const t = mapped.get(index) ?? targetOfHeader(h);
    if (t.kind === 'ignored') {
      if (h !== '') plan.ignored.push(h);
    } else if (t.kind === 'field') {
      fieldColumns.set(t.field, [...(fieldColumns.get(t.field) ?? []), h]);
      plan.fields.set(t.field, { index, header: h });
    } else {
      stockColumns.push({ index, header: h, location: t.location });
    }
  });
  for (const [field, cols] of fieldColumns) {
    if (cols.length > 1)
      throw new AppError(E.IMPORT_DUPLICATE_COLUMN, {
        field: FIELD_HEADERS[field],
        columns: cols.join(', '),
      });
  }
  const missing = REQUIRED_FIELDS.filter((f) => !plan.fields.has(f));
  if (missing.length > 0) {
    throw new AppError(E.IMPORT_MISSING_COLUMNS, {
      missing: missing.map((f) => FIELD_HEADERS[f]).join(', '),
      columns: missing.map((f) => FIELD_HEADERS[f]),
    });
  }
  for (const c of stockColumns) {
    const location =
      c.location === null
        ? defaultLocation(locations, defaultLocationId, c.header)
        : findLocation(locations, c.location, c.header);
    plan.stock.push({ index: c.index, header: c.header, location });
  }
  const seenLoc = new Map<string, string>();
  for (const s of plan.stock) {
    const prev = seenLoc.get(s.location.id);
    if (prev)
      throw new AppError(E.IMPORT_DUPLICATE_COLUMN, {
        field: `existencia ${s.location.name}`,
        columns: `${prev}, ${s.header}`,
      });
    seenLoc.set(s.location.id, s.header);
  }
  return plan;
}

function defaultLocation(locations: Location[], id: string | undefined, column: string): Location {
  if (id) {
    const l = locations.find((x) => x.id === id);
    if (!l) throw new AppError(E.IMPORT_UNKNOWN_LOCATION, { column, location: id });
    return l;
  }
  if (locations.length === 1) return locations[0]!;
  throw new AppError(E.IMPORT_NO_DEFAULT_LOCATION, { column });
}

/** A location by id, by name, or by a word of its name ("tienda" → "Tienda Centro") when only one matches. */
export function findLocation(locations: Location[], nameOrId: string, column = nameOrId): Location {
  const byId = locations.find((l) => l.id === nameOrId);
  if (byId) return byId;
  const n = normalizeHeader(nameOrId);
  const exact = locations.filter((l) => normalizeHeader(l.name) === n);
  if (exact.length === 1) return exact[0]!;
  const partial = locations.filter((l) => {
    const ln = normalizeHeader(l.name);
    return ln.startsWith(n) || ln.split('_').includes(n);
  });
  if (partial.length === 1) return partial[0]!;
  throw new AppError(E.IMPORT_UNKNOWN_LOCATION, { column, location: nameOrId });
}

interface RowInput {
  line: number;
  cells: string[];
  plan: Plan;
  decimalSeparator: '.' | ',';
  dryRun: boolean;
  categories: Map<string, string>;
  seenSkus: Map<string, number>;
  seenBarcodes: Map<string, number>;
}

/** What a row asks for, parsed: undefined means "the row does not say" (keep as it is). */
interface ParsedRow {
  sku: string;
  name?: string;
  price?: string;
  cost?: string;
  barcodes?: string[];
  claveProdServ?: string;
  claveUnidad?: string;
  iva?: IvaKind;
  ieps?: { type: 'rate' | 'quota'; value: string } | null;
  category?: string;
  priceIncludesTax?: boolean;
  soldByWeight?: boolean;
  unitName?: string;
  reorderPoint?: string;
  description?: string;
  variantName?: string;
  stock: { locationId: string; header: string; quantity: string }[];
}

const FIELD_OF_CODE: Record<string, ImportField> = {
  SKU_DUPLICATE: 'sku',
  SKU_NOT_FOUND: 'sku',
  BARCODE_INVALID: 'barcodes',
  BARCODE_CHECK_DIGIT: 'barcodes',
  BARCODE_DUPLICATE: 'barcodes',
  CLAVE_PROD_SERV_INVALID: 'claveProdServ',
  CLAVE_UNIDAD_INVALID: 'claveUnidad',
  WEIGHT_UNIT_MISMATCH: 'soldByWeight',
  CATEGORY_NOT_FOUND: 'category',
  CATEGORY_DUPLICATE: 'category',
  IEPS_VALUE_REQUIRED: 'ieps',
};

async function importRow(ctx: Ctx, r: RowInput): Promise<ImportRowResult> {
  const errors: ImportCellError[] = [];
  const warnings: ImportCellError[] = [];
  const columnOf = (f: ImportField) => r.plan.fields.get(f)?.header ?? FIELD_HEADERS[f];
  const addError = (column: string, code: string, details: Record<string, unknown> = {}) =>
    errors.push({ column, code, message: messageFor(code, 'es', details) });
  const parsed = parseRow(r, columnOf, addError);
  const result: ImportRowResult = { row: r.line, sku: parsed.sku, status: 'error', errors, warnings };
  if (errors.length > 0) return result;

  const newCategories = new Map<string, string>();
  try {
    await inRowTransaction(ctx, r.dryRun, async (tx) => {
      let categoryId: string | undefined;
      if (parsed.category) {
        const key = parsed.category.toLowerCase();
        categoryId = r.categories.get(key);
        if (!categoryId) {
          categoryId = (await createCategory(tx, { name: parsed.category })).id;
          newCategories.set(key, categoryId);
        }
      }
      const existing = await getSkuByCode(tx, parsed.sku).catch((err) => {
        if (err instanceof AppError && err.code === 'SKU_NOT_FOUND') return null;
        throw err;
      });
      if (!existing) {
        const created = await createFromRow(tx, parsed, categoryId, columnOf, addError);
        if (!created) throw ROLLBACK;
        result.status = 'created';
        result.productId = created.productId;
        result.skuId = created.skuId;
        const lines = parsed.stock.filter((s) => !dec(s.quantity).isZero());
        for (const s of lines) {
          await receiveStock(tx, {
            locationId: s.locationId,
            lines: [{ skuId: created.skuId, quantity: s.quantity }],
          });
        }
      } else {
        await updateFromRow(tx, existing, parsed, categoryId);
        result.status = 'updated';
        result.productId = existing.productId;
        result.skuId = existing.id;
        if (parsed.stock.some((s) => !dec(s.quantity).isZero())) {
          const column = parsed.stock.map((s) => s.header).join(', ');
          warnings.push({
            column,
            code: E.STOCK_IGNORED_FOR_EXISTING,
            message: messageFor(E.STOCK_IGNORED_FOR_EXISTING, 'es'),
          });
        }
      }
    });
  } catch (err) {
    result.status = 'error';
    delete result.productId;
    delete result.skuId;
    if (err !== ROLLBACK) {
      const e = translateDbError(err);
      if (e instanceof AppError) {
        const f = FIELD_OF_CODE[e.code];
        addError(f ? columnOf(f) : '', e.code, e.details);
      } else {
        addError('', E.IMPORT_ROW_FAILED, { reason: (e as Error).message ?? String(e) });
      }
    }
    return result;
  }
  if (!r.dryRun) for (const [k, v] of newCategories) r.categories.set(k, v);
  return result;
}

/** Runs a row's writes in a transaction (or a savepoint inside the caller's), rolled back on a dry run. */
export async function inRowTransaction(
  ctx: Ctx,
  dryRun: boolean,
  fn: (tx: Ctx) => Promise<void>,
): Promise<void> {
  if (ctx.db.isTransaction) {
    await sql`savepoint import_row`.execute(ctx.db);
    try {
      await fn(ctx);
    } catch (err) {
      await sql`rollback to savepoint import_row`.execute(ctx.db);
      throw err;
    }
    if (dryRun) await sql`rollback to savepoint import_row`.execute(ctx.db);
    else await sql`release savepoint import_row`.execute(ctx.db);
    return;
  }
  let ok = false;
  try {
    await (ctx.db as Kysely<DB>).transaction().execute(async (trx) => {
      await fn({ ...ctx, db: trx });
      ok = true;
      if (dryRun) throw ROLLBACK;
    });
  } catch (err) {
    if (!(ok && err === ROLLBACK)) throw err;
  }
}

function parseRow(
  r: RowInput,
  columnOf: (f: ImportField) => string,
  addError: (column: string, code: string, details?: Record<string, unknown>) => void,
): ParsedRow {
  const cell = (f: ImportField): string | undefined => {
    const c = r.plan.fields.get(f);
    if (!c) return undefined;
    return (r.cells[c.index] ?? '').trim();
  };
  const take = (f: ImportField, res: ValueResult): string | undefined => {
    if (res.ok) return res.value;
    addError(columnOf(f), res.code, res.details);
    return undefined;
  };
  const nonEmpty = (f: ImportField) => {
    const v = cell(f);
    return v === undefined || v === '' ? undefined : v;
  };

  const sku = cell('sku') ?? '';
  const out: ParsedRow = { sku, stock: [] };
  if (sku === '') addError(columnOf('sku'), E.SKU_REQUIRED);
  else if (isScientificNotation(sku)) addError(columnOf('sku'), E.SKU_SCIENTIFIC_NOTATION, { value: sku });
  else {
    const first = r.seenSkus.get(sku.toLowerCase());
    if (first !== undefined) addError(columnOf('sku'), E.SKU_DUPLICATE_IN_FILE, { sku, firstRow: first });
    else r.seenSkus.set(sku.toLowerCase(), r.line);
  }

  out.name = nonEmpty('name');
  out.description = nonEmpty('description');
  out.variantName = nonEmpty('variantName');
  out.unitName = nonEmpty('unitName');
  out.category = nonEmpty('category');
  const price = nonEmpty('price');
  if (price !== undefined) {
    out.price = take(
      'price',
      parseDecimal(price, { places: 2, kind: 'money', decimalSeparator: r.decimalSeparator }),
    );
  }
  const cost = nonEmpty('cost');
  if (cost !== undefined) {
    out.cost = take(
      'cost',
      parseDecimal(cost, { places: 4, kind: 'money', decimalSeparator: r.decimalSeparator }),
    );
  }
  const reorder = nonEmpty('reorderPoint');
  if (reorder !== undefined) {
    out.reorderPoint = take(
      'reorderPoint',
      parseDecimal(reorder, { places: 3, kind: 'quantity', decimalSeparator: r.decimalSeparator }),
    );
  }
  const barcodes = nonEmpty('barcodes');
  if (barcodes !== undefined) {
    const codes = barcodes
      .split(/[|;,\s/]+/)
      .map((c) => c.replace(/^'/, ''))
      .filter(Boolean);
    if (isScientificNotation(barcodes) || codes.some(isScientificNotation)) {
      addError(columnOf('barcodes'), E.BARCODE_SCIENTIFIC_NOTATION, { value: barcodes });
    } else {
      out.barcodes = codes;
      for (const code of codes) {
        const first = r.seenBarcodes.get(code);
        if (first !== undefined && first !== r.line) {
          addError(columnOf('barcodes'), E.BARCODE_DUPLICATE_IN_FILE, { code, firstRow: first });
        } else r.seenBarcodes.set(code, r.line);
      }
    }
  }
  const clave = nonEmpty('claveProdServ');
  if (clave !== undefined) out.claveProdServ = isScientificNotation(clave) ? clave : clave.padStart(8, '0');
  out.claveUnidad = nonEmpty('claveUnidad')?.toUpperCase();
  const iva = nonEmpty('iva');
  if (iva !== undefined) out.iva = take('iva', parseIva(iva)) as IvaKind | undefined;
  const ieps = cell('ieps');
  if (ieps !== undefined && ieps !== '') {
    const v = take('ieps', parseIeps(ieps));
    if (v === 'none') out.ieps = null;
    else if (v) {
      const [type, value] = v.split(':') as ['rate' | 'quota', string];
      out.ieps = { type, value };
    }
  }
  for (const f of ['priceIncludesTax', 'soldByWeight'] as const) {
    const v = cell(f);
    if (v === undefined) continue;
    const b = parseBool(v);
    if (b.ok) out[f] = b.value;
    else addError(columnOf(f), b.code, b.details);
  }
  for (const s of r.plan.stock) {
    const raw = (r.cells[s.index] ?? '').trim();
    if (raw === '') continue;
    const q = parseDecimal(raw, { places: 3, kind: 'quantity', decimalSeparator: r.decimalSeparator });
    if (!q.ok) {
      addError(s.header, q.code, q.details);
      continue;
    }
    if (!out.soldByWeight && q.value.includes('.')) {
      addError(s.header, E.STOCK_NOT_WHOLE, { value: raw });
      continue;
    }
    out.stock.push({ locationId: s.location.id, header: s.header, quantity: q.value });
  }
  return out;
}

async function createFromRow(
  ctx: Ctx,
  p: ParsedRow,
  categoryId: string | undefined,
  columnOf: (f: ImportField) => string,
  addError: (column: string, code: string, details?: Record<string, unknown>) => void,
): Promise<{ productId: string; skuId: string } | null> {
  if (!p.name) addError(columnOf('name'), E.NAME_REQUIRED);
  if (!p.price) addError(columnOf('price'), E.PRICE_REQUIRED);
  if (!p.name || !p.price) return null;
  const soldByWeight = p.soldByWeight ?? false;
  const input: CreateProductInput = {
    name: p.name,
    description: p.description,
    categoryId: categoryId ?? null,
    // 01010101 is SAT's "No existe en el catálogo": valid on a CFDI until the owner picks a key.
    claveProdServ: p.claveProdServ ?? '01010101',
    claveUnidad: p.claveUnidad ?? (soldByWeight ? 'KGM' : 'H87'),
    unitName: p.unitName,
    soldByWeight,
    priceIncludesTax: p.priceIncludesTax ?? true,
    iva: p.iva ?? 'iva16',
    ieps: p.ieps ?? null,
    skus: [
      {
        sku: p.sku,
        variantName: p.variantName,
        price: p.price,
        cost: p.cost,
        barcodes: p.barcodes,
        reorderPoint: p.reorderPoint,
      },
    ],
  };
  const checked = zProductInput.safeParse(input);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const key = String(issue.path.at(-1) ?? '');
      const f = (key === 'skus' ? 'sku' : key === 'barcodes' ? 'barcodes' : key) as ImportField;
      addError(FIELD_HEADERS[f] ? columnOf(f) : key, E.VALUE_INVALID, { reason: issue.message });
    }
    return null;
  }
  const product = await createProduct(ctx, checked.data);
  return { productId: product.id, skuId: product.skus[0]!.id };
}

async function updateFromRow(
  ctx: Ctx,
  existing: Awaited<ReturnType<typeof getSkuByCode>>,
  p: ParsedRow,
  categoryId: string | undefined,
): Promise<void> {
  const product = await getProduct(ctx, existing.productId);
  const patch: UpdateProductInput = {};
  if (p.name !== undefined && p.name !== product.name) patch.name = p.name;
  if (p.description !== undefined && p.description !== product.description) patch.description = p.description;
  if (categoryId !== undefined && categoryId !== product.categoryId) patch.categoryId = categoryId;
  if (p.claveProdServ !== undefined && p.claveProdServ !== product.claveProdServ)
    patch.claveProdServ = p.claveProdServ;
  if (p.claveUnidad !== undefined && p.claveUnidad !== product.claveUnidad) patch.claveUnidad = p.claveUnidad;
  if (p.unitName !== undefined && p.unitName !== product.unitName) patch.unitName = p.unitName;
  if (p.soldByWeight !== undefined && p.soldByWeight !== product.soldByWeight)
    patch.soldByWeight = p.soldByWeight;
  if (p.priceIncludesTax !== undefined && p.priceIncludesTax !== product.priceIncludesTax)
    patch.priceIncludesTax = p.priceIncludesTax;
  if (p.iva !== undefined && p.iva !== product.iva) patch.iva = p.iva;
  if (p.ieps !== undefined) {
    const same =
      (p.ieps === null && product.ieps === null) ||
      (p.ieps !== null &&
        product.ieps !== null &&
        p.ieps.type === product.ieps.type &&
        dec(p.ieps.value).eq(product.ieps.value));
    if (!same) patch.ieps = p.ieps;
  }
  if (Object.keys(patch).length > 0) {
    const checked = zProductInput.omit({ skus: true }).partial().safeParse(patch);
    if (!checked.success)
      throw new AppError(E.VALUE_INVALID, { reason: checked.error.issues[0]?.message ?? '' });
    await updateProduct(ctx, existing.productId, patch);
  }
  const skuPatch: UpdateSkuInput = {};
  if (p.price !== undefined && !dec(p.price).eq(existing.price)) skuPatch.price = p.price;
  if (p.cost !== undefined && (existing.cost === null || !dec(p.cost).eq(existing.cost)))
    skuPatch.cost = p.cost;
  if (
    p.reorderPoint !== undefined &&
    (existing.reorderPoint === null || !dec(p.reorderPoint).eq(existing.reorderPoint))
  )
    skuPatch.reorderPoint = p.reorderPoint;
  if (p.variantName !== undefined && p.variantName !== existing.variantName)
    skuPatch.variantName = p.variantName;
  // Barcodes from the file are added to the ones the SKU has: an import never drops a code
  // that the counter scans.
  if (p.barcodes !== undefined) {
    const merged = [...new Set([...existing.barcodes, ...p.barcodes])];
    if (merged.length !== existing.barcodes.length) skuPatch.barcodes = merged;
  }
  if (Object.keys(skuPatch).length > 0) await updateSku(ctx, existing.id, skuPatch);
}

const EXPORT_FIELDS: ImportField[] = [
  'sku',
  'name',
  'variantName',
  'price',
  'cost',
  'barcodes',
  'claveProdServ',
  'claveUnidad',
  'unitName',
  'iva',
  'ieps',
  'priceIncludesTax',
  'soldByWeight',
  'category',
  'reorderPoint',
  'description',
];

const IVA_OUT: Record<IvaKind, string> = { iva16: '16', iva8: '8', iva0: '0', exento: 'exento' };

/**
 * The catalog as CSV in the import's own format (one row per SKU, comma-separated, UTF-8 with
 * BOM so Excel shows accents right), so an export can be edited and imported back.
 */
export async function exportProducts(ctx: Ctx, opts: { withStock?: boolean } = {}): Promise<Buffer> {
  const categories = new Map((await listCategories(ctx)).map((c) => [c.id, c.name]));
  const locations = opts.withStock === false ? [] : await listLocations(ctx);
  const lines: string[] = [
    csvLine([...EXPORT_FIELDS.map((f) => FIELD_HEADERS[f]), ...locations.map((l) => `existencia:${l.name}`)]),
  ];
  let after: string | undefined;
  for (;;) {
    const page = await listProducts(ctx, { limit: 200, after });
    const skuIds = page.items.flatMap((p) => p.skus.map((s) => s.id));
    const stock = locations.length > 0 ? await onHandOf(ctx, skuIds) : new Map<string, string>();
    for (const p of page.items) {
      for (const s of p.skus) {
        const values: Record<ImportField, string> = {
          sku: s.sku,
          name: p.name,
          variantName: s.variantName,
          price: s.price,
          cost: s.cost ?? '',
          barcodes: s.barcodes.join('|'),
          claveProdServ: p.claveProdServ,
          claveUnidad: p.claveUnidad,
          unitName: p.unitName,
          iva: IVA_OUT[p.iva],
          ieps:
            p.ieps === null
              ? ''
              : p.ieps.type === 'quota'
                ? `cuota ${trimZeros(p.ieps.value)}`
                : `${trimZeros(dec(p.ieps.value).times(100).toFixed(4))}%`,
          priceIncludesTax: p.priceIncludesTax ? 'si' : 'no',
          soldByWeight: p.soldByWeight ? 'si' : 'no',
          category: p.categoryId ? (categories.get(p.categoryId) ?? '') : '',
          reorderPoint: s.reorderPoint ?? '',
          description: p.description ?? '',
        };
        lines.push(
          csvLine([
            ...EXPORT_FIELDS.map((f) => values[f]),
            ...locations.map((l) => stock.get(`${s.id}|${l.id}`) ?? '0'),
          ]),
        );
      }
    }
    if (!page.last) break;
    after = page.last;
  }
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8')]);
}

function trimZeros(v: string): string {
  return v.includes('.') ? v.replace(/0+$/, '').replace(/\.$/, '') : v;
}

/** On-hand quantities by `skuId|locationId`, from the inventory module. */
async function onHandOf(ctx: Ctx, skuIds: string[]): Promise<Map<string, string>> {
  const m = new Map<string, string>();
  if (skuIds.length === 0) return m;
  for (const l of await getStockLevels(ctx, { skuIds, limit: skuIds.length * 50 })) {
    m.set(`${l.skuId}|${l.locationId}`, trimZeros(l.onHand));
  }
  return m;
}
