import { type ExpressionBuilder, type Selectable, sql } from 'kysely';
import type { DB } from '../../db/schema.js';
import { json } from '../../db/types.js';
import type { z } from 'zod';
import type { Ctx } from '../../shared/context.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { isValidSatKey } from '../../sat/catalogs.js';
import { recordAudit, recordAudits, recordEvent, recordEvents } from '../events/events.service.js';
import { assertBarcode } from './barcode.js';
import { CatalogErrors as E } from './catalog.errors.js';
import type {
  zCategory,
  zProduct,
  zProductInput,
  zProductPatch,
  zSellableSku,
  zSku,
  zSkuInput,
  zSkuPatch,
} from './catalog.schemas.js';
import type { Channel, ChannelSetting, IepsType, IvaKind } from './catalog.tables.js';
import { containsPattern, normalizeSearch, searchTerms } from './search-text.js';

export type CreateProductInput = z.infer<typeof zProductInput>;
export type UpdateProductInput = z.infer<typeof zProductPatch>;
export type SkuInput = z.infer<typeof zSkuInput>;
export type UpdateSkuInput = z.infer<typeof zSkuPatch>;
export type Product = z.infer<typeof zProduct>;
export type Sku = z.infer<typeof zSku>;
export type SellableSku = z.infer<typeof zSellableSku>;
export type Category = z.infer<typeof zCategory>;

function checkSatKeys(ctx: Ctx, claveProdServ?: string, claveUnidad?: string): void {
  const today = ctx.now.toISOString().slice(0, 10);
  if (claveProdServ !== undefined && !isValidSatKey('c_ClaveProdServ', claveProdServ, today)) {
    throw new AppError(E.CLAVE_PROD_SERV_INVALID, { clave: claveProdServ });
  }
  if (claveUnidad !== undefined && !isValidSatKey('c_ClaveUnidad', claveUnidad, today)) {
    throw new AppError(E.CLAVE_UNIDAD_INVALID, { clave: claveUnidad });
  }
}

function searchTextOf(productName: string, sku: string, variantName: string, barcodes: string[]): string {
  return normalizeSearch([productName, variantName, sku, ...barcodes].filter(Boolean).join(' '));
}

/** A SKU about to be written: its product, its id and its checked, de-duplicated barcodes. */
interface NewSku {
  productId: string;
  productName: string;
  input: SkuInput;
  id: string;
  barcodes: string[];
}

function newSku(productId: string, productName: string, input: SkuInput): NewSku {
  const barcodes = [...new Set((input.barcodes ?? []).map(assertBarcode))];
  return { productId, productName, input, id: newId('sku'), barcodes };
}

/**
 * Inserts SKUs and their barcodes, one statement each (the search-word trigger runs once);
 * returns them as written, in order, the barcodes sorted as getProduct reads them back.
 */
async function insertSkus(ctx: Ctx, skus: NewSku[]): Promise<Sku[]> {
  if (skus.length === 0) return [];
  const rows = await ctx.db
    .insertInto('skus')
    .values(
      skus.map(({ productId, productName, input: s, id, barcodes }) => ({
        tenant_id: ctx.tenantId,
        id,
        product_id: productId,
        sku: s.sku,
        variant_name: s.variantName ?? '',
        attributes: json(s.attributes ?? {}),
        price: s.price,
        cost: s.cost ?? null,
        channels: json(s.channels ?? {}),
        reorder_point: s.reorderPoint ?? null,
        active: s.active ?? true,
        search_text: searchTextOf(productName, s.sku, s.variantName ?? '', barcodes),
        created_at: ctx.now,
        updated_at: ctx.now,
      })),
    )
    .returningAll()
    .execute();
  const codes = skus.flatMap((k) =>
    k.barcodes.map((code) => ({ tenant_id: ctx.tenantId, code, sku_id: k.id, created_at: ctx.now })),
  );
  if (codes.length > 0) await ctx.db.insertInto('barcodes').values(codes).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return skus.map((k) => toSku(byId.get(k.id)!, [...k.barcodes].sort()));
}

/**
 * Creates a product with its SKUs and barcodes. SAT keys are checked against SAT's catalogs,
 * barcodes by their check digit. Errors: CLAVE_PROD_SERV_INVALID, CLAVE_UNIDAD_INVALID,
 * BARCODE_INVALID, BARCODE_CHECK_DIGIT, BARCODE_DUPLICATE, SKU_DUPLICATE, IEPS_VALUE_REQUIRED,
 * WEIGHT_UNIT_MISMATCH, CATEGORY_NOT_FOUND.
 */
export async function createProduct(ctx: Ctx, input: CreateProductInput): Promise<Product> {
  return (await createProducts(ctx, [input]))[0]!;
}

/**
 * Creates several products at once, all or none, with createProduct's checks and errors: one
 * statement per table instead of several per product (the SKUs' search-word trigger runs once),
 * which is what the demo's catalog at a first start is made with. Answered from the rows as
 * written, as getProduct would read them back.
 */
export async function createProducts(ctx: Ctx, inputs: CreateProductInput[]): Promise<Product[]> {
  if (inputs.length === 0) return [];
  if (!ctx.db.isTransaction)
    return ctx.db.transaction().execute((trx) => createProducts({ ...ctx, db: trx }, inputs));
  for (const input of inputs) {
    checkSatKeys(ctx, input.claveProdServ, input.claveUnidad);
    if (input.soldByWeight && input.claveUnidad !== 'KGM') throw new AppError(E.WEIGHT_UNIT_MISMATCH);
  }
  await assertCategories(
    ctx,
    inputs.flatMap((i) => (i.categoryId ? [i.categoryId] : [])),
  );
  const planned = inputs.map((input) => {
    const id = newId('prd');
    return { input, id, skus: input.skus.map((s) => newSku(id, input.name, s)) };
  });
  const rows = await ctx.db
    .insertInto('products')
    .values(
      planned.map(({ input, id }) => ({
        tenant_id: ctx.tenantId,
        id,
        name: input.name,
        description: input.description ?? null,
        category_id: input.categoryId ?? null,
        clave_prod_serv: input.claveProdServ,
        clave_unidad: input.claveUnidad,
        unit_name: input.unitName ?? (input.soldByWeight ? 'Kilogramo' : 'Pieza'),
        sold_by_weight: input.soldByWeight ?? false,
        price_includes_tax: input.priceIncludesTax ?? true,
        iva: input.iva,
        ieps_type: input.ieps?.type ?? 'none',
        ieps_value: input.ieps?.value ?? null,
        image_urls: input.imageUrls ?? [],
        track_lots: input.trackLots ?? false,
        created_at: ctx.now,
        updated_at: ctx.now,
      })),
    )
    .returningAll()
    .execute();
  const skus = await insertSkus(
    ctx,
    planned.flatMap((p) => p.skus),
  );
  await recordEvents(
    ctx,
    'product.created',
    planned.map((p) => ({ productId: p.id })),
  );
  await recordAudits(
    ctx,
    planned.map((p) => ({ action: 'product.created', entityType: 'product', entityId: p.id })),
  );
  const productRow = new Map(rows.map((r) => [r.id, r]));
  const skuOf = new Map(skus.map((k) => [k.id, k]));
  return planned.map((p) =>
    toProduct(
      productRow.get(p.id)!,
      p.skus.map((k) => skuOf.get(k.id)!),
    ),
  );
}

async function assertCategory(ctx: Ctx, categoryId: string): Promise<void> {
  await assertCategories(ctx, [categoryId]);
}

/** Errors: CATEGORY_NOT_FOUND, naming the first of `categoryIds` this business does not have. */
async function assertCategories(ctx: Ctx, categoryIds: string[]): Promise<void> {
  const wanted = [...new Set(categoryIds)];
  if (wanted.length === 0) return;
  const found = new Set(
    (
      await ctx.db
        .selectFrom('categories')
        .select('id')
        .where('tenant_id', '=', ctx.tenantId)
        .where('id', 'in', wanted)
        .execute()
    ).map((c) => c.id),
  );
  const missing = wanted.find((c) => !found.has(c));
  if (missing) throw new AppError(E.CATEGORY_NOT_FOUND, { categoryId: missing });
}

/** Changes product-level fields (name, taxes, SAT keys…); prices change per SKU. Errors: PRODUCT_NOT_FOUND and the create ones. */
export async function updateProduct(
  ctx: Ctx,
  productId: string,
  input: UpdateProductInput,
): Promise<Product> {
  const current = await ctx.db
    .selectFrom('products')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', productId)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw new AppError(E.PRODUCT_NOT_FOUND, { productId });
  checkSatKeys(ctx, input.claveProdServ, input.claveUnidad);
  if (
    (input.soldByWeight ?? current.sold_by_weight) &&
    (input.claveUnidad ?? current.clave_unidad) !== 'KGM'
  ) {
    throw new AppError(E.WEIGHT_UNIT_MISMATCH);
  }
  if (input.categoryId) await assertCategory(ctx, input.categoryId);
  await ctx.db
    .updateTable('products')
    .set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.categoryId !== undefined ? { category_id: input.categoryId } : {}),
      ...(input.claveProdServ !== undefined ? { clave_prod_serv: input.claveProdServ } : {}),
      ...(input.claveUnidad !== undefined ? { clave_unidad: input.claveUnidad } : {}),
      ...(input.unitName !== undefined ? { unit_name: input.unitName } : {}),
      ...(input.soldByWeight !== undefined ? { sold_by_weight: input.soldByWeight } : {}),
      ...(input.priceIncludesTax !== undefined ? { price_includes_tax: input.priceIncludesTax } : {}),
      ...(input.iva !== undefined ? { iva: input.iva } : {}),
      ...(input.ieps !== undefined
        ? { ieps_type: input.ieps?.type ?? 'none', ieps_value: input.ieps?.value ?? null }
        : {}),
      ...(input.imageUrls !== undefined ? { image_urls: input.imageUrls } : {}),
      ...(input.trackLots !== undefined ? { track_lots: input.trackLots } : {}),
      ...(input.active !== undefined ? { active: input.active } : {}),
      updated_at: ctx.now,
    })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', productId)
    .execute();
  // Every SKU of the product carries its tax and name data to sellers: bump their version.
  await refreshSkuSearch(ctx, productId, input.name ?? current.name);
  await recordEvent(ctx, 'product.updated', { productId });
  await recordAudit(ctx, {
    action: 'product.updated',
    entityType: 'product',
    entityId: productId,
    data: { fields: Object.keys(input) },
  });
  return getProduct(ctx, productId);
}

async function refreshSkuSearch(ctx: Ctx, productId: string, productName: string): Promise<void> {
  const skus = await ctx.db
    .selectFrom('skus')
    .select(['id', 'sku', 'variant_name'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('product_id', '=', productId)
    .execute();
  for (const s of skus) {
    const codes = await barcodesOf(ctx, [s.id]);
    await ctx.db
      .updateTable('skus')
      .set((eb) => ({
        search_text: searchTextOf(productName, s.sku, s.variant_name, codes.get(s.id) ?? []),
        version: eb('version', '+', 1),
        updated_at: ctx.now,
      }))
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', s.id)
      .execute();
  }
}

/** Adds a SKU (variant) to a product. */
export async function addSku(ctx: Ctx, productId: string, input: SkuInput): Promise<Sku> {
  const p = await ctx.db
    .selectFrom('products')
    .select(['id', 'name'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', productId)
    .executeTakeFirst();
  if (!p) throw new AppError(E.PRODUCT_NOT_FOUND, { productId });
  const [sku] = await insertSkus(ctx, [newSku(productId, p.name, input)]);
  await recordEvent(ctx, 'product.updated', { productId, skuId: sku!.id });
  await recordAudit(ctx, { action: 'sku.created', entityType: 'sku', entityId: sku!.id });
  return sku!;
}

/**
 * Changes a SKU's price, cost, barcodes, channels or reorder point; the version goes up so
 * terminals holding the old price notice. Errors: SKU_NOT_FOUND, BARCODE_*.
 */
export async function updateSku(ctx: Ctx, skuId: string, input: UpdateSkuInput): Promise<Sku> {
  const current = await ctx.db
    .selectFrom('skus as s')
    .innerJoin('products as p', (j) =>
      j.onRef('p.tenant_id', '=', 's.tenant_id').onRef('p.id', '=', 's.product_id'),
    )
    .select(['s.id', 's.sku', 's.variant_name', 's.product_id', 's.price', 'p.name'])
    .where('s.tenant_id', '=', ctx.tenantId)
    .where('s.id', '=', skuId)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw new AppError(E.SKU_NOT_FOUND, { sku: skuId });
  let codes = (await barcodesOf(ctx, [skuId])).get(skuId) ?? [];
  if (input.barcodes !== undefined) {
    codes = [...new Set(input.barcodes.map(assertBarcode))];
    await ctx.db
      .deleteFrom('barcodes')
      .where('tenant_id', '=', ctx.tenantId)
      .where('sku_id', '=', skuId)
      .execute();
    if (codes.length > 0) {
      await ctx.db
        .insertInto('barcodes')
        .values(codes.map((code) => ({ tenant_id: ctx.tenantId, code, sku_id: skuId, created_at: ctx.now })))
        .execute();
    }
  }
  const sku = input.sku ?? current.sku;
  const variant = input.variantName ?? current.variant_name;
  await ctx.db
    .updateTable('skus')
    .set((eb) => ({
      ...(input.sku !== undefined ? { sku: input.sku } : {}),
      ...(input.variantName !== undefined ? { variant_name: input.variantName } : {}),
      ...(input.attributes !== undefined ? { attributes: json(input.attributes) } : {}),
      ...(input.price !== undefined ? { price: input.price } : {}),
      ...(input.cost !== undefined ? { cost: input.cost } : {}),
      ...(input.channels !== undefined ? { channels: json(input.channels) } : {}),
      ...(input.reorderPoint !== undefined ? { reorder_point: input.reorderPoint } : {}),
      ...(input.active !== undefined ? { active: input.active } : {}),
      search_text: searchTextOf(current.name, sku, variant, codes),
      version: eb('version', '+', 1),
      updated_at: ctx.now,
    }))
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', skuId)
    .execute();
  await recordEvent(ctx, 'product.updated', { productId: current.product_id, skuId });
  if (input.price !== undefined && input.price !== current.price) {
    await recordAudit(ctx, {
      action: 'sku.price_changed',
      entityType: 'sku',
      entityId: skuId,
      data: { from: current.price, to: input.price },
    });
  }
  const product = await getProduct(ctx, current.product_id);
  return product.skus.find((s) => s.id === skuId)!;
}

async function barcodesOf(ctx: Ctx, skuIds: string[]): Promise<Map<string, string[]>> {
  const m = new Map<string, string[]>();
  if (skuIds.length === 0) return m;
  const rows = await ctx.db
    .selectFrom('barcodes')
    .select(['sku_id', 'code'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('sku_id', 'in', skuIds)
    .orderBy('code')
    .execute();
  for (const r of rows) {
    const list = m.get(r.sku_id) ?? [];
    list.push(r.code);
    m.set(r.sku_id, list);
  }
  return m;
}

type SkuRow = {
  id: string;
  product_id: string;
  sku: string;
  variant_name: string;
  attributes: Record<string, string>;
  price: string;
  cost: string | null;
  channels: Partial<Record<Channel, ChannelSetting>>;
  reorder_point: string | null;
  active: boolean;
  version: number;
};

function toSku(r: SkuRow, barcodes: string[]): Sku {
  return {
    id: r.id,
    productId: r.product_id,
    sku: r.sku,
    variantName: r.variant_name,
    attributes: r.attributes,
    price: r.price,
    cost: r.cost,
    barcodes,
    channels: r.channels,
    reorderPoint: r.reorder_point,
    active: r.active,
    version: r.version,
  };
}

export async function getProduct(ctx: Ctx, productId: string): Promise<Product> {
  const list = await loadProducts(ctx, [productId]);
  const p = list[0];
  if (!p) throw new AppError(E.PRODUCT_NOT_FOUND, { productId });
  return p;
}

async function loadProducts(ctx: Ctx, ids: string[]): Promise<Product[]> {
  if (ids.length === 0) return [];
  const products = await ctx.db
    .selectFrom('products')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', 'in', ids)
    .execute();
  const skus = await ctx.db
    .selectFrom('skus')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('product_id', 'in', ids)
    .orderBy('id')
    .execute();
  const codes = await barcodesOf(
    ctx,
    skus.map((s) => s.id),
  );
  const byId = new Map(products.map((p) => [p.id, p]));
  return ids
    .map((id) => byId.get(id))
    .filter((p) => p !== undefined)
    .map((p) =>
      toProduct(
        p,
        skus.filter((s) => s.product_id === p.id).map((s) => toSku(s, codes.get(s.id) ?? [])),
      ),
    );
}

function toProduct(p: Selectable<DB['products']>, skus: Sku[]): Product {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    categoryId: p.category_id,
    claveProdServ: p.clave_prod_serv,
    claveUnidad: p.clave_unidad,
    unitName: p.unit_name,
    soldByWeight: p.sold_by_weight,
    priceIncludesTax: p.price_includes_tax,
    iva: p.iva,
    ieps: p.ieps_type === 'none' ? null : { type: p.ieps_type as 'rate' | 'quota', value: p.ieps_value! },
    imageUrls: p.image_urls,
    trackLots: p.track_lots,
    active: p.active,
    skus,
    createdAt: p.created_at.toISOString(),
    updatedAt: p.updated_at.toISOString(),
  };
}

export interface ListProductsInput {
  q?: string;
  categoryId?: string;
  active?: boolean;
  limit: number;
  /** the last product id of the previous page */
  after?: string;
}

/** Products page by page (by id), optionally filtered by text, category and status. */
export async function listProducts(
  ctx: Ctx,
  input: ListProductsInput,
): Promise<{ items: Product[]; last: string | null }> {
  let q = ctx.db.selectFrom('products as p').select('p.id').where('p.tenant_id', '=', ctx.tenantId);
  if (input.categoryId) q = q.where('p.category_id', '=', input.categoryId);
  if (input.active !== undefined) q = q.where('p.active', '=', input.active);
  if (input.after) q = q.where('p.id', '>', input.after);
  if (input.q) {
    const pattern = containsPattern(input.q);
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('skus as s')
          .select(sql`1`.as('one'))
          .whereRef('s.tenant_id', '=', 'p.tenant_id')
          .whereRef('s.product_id', '=', 'p.id')
          .where('s.search_text', 'like', pattern),
      ),
    );
  }
  const ids = await q
    .orderBy('p.id')
    .limit(input.limit + 1)
    .execute();
  const more = ids.length > input.limit;
  const pageIds = ids.slice(0, input.limit).map((r) => r.id);
  const items = await loadProducts(ctx, pageIds);
  return { items, last: more ? (pageIds.at(-1) ?? null) : null };
}

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const sellableColumns = [
  's.id',
  's.product_id',
  's.sku',
  's.variant_name',
  's.attributes',
  's.price',
  's.cost',
  's.channels',
  's.reorder_point',
  's.active',
  's.version',
  'p.name as product_name',
  'p.clave_prod_serv',
  'p.clave_unidad',
  'p.unit_name',
  'p.sold_by_weight',
  'p.price_includes_tax',
  'p.iva',
  'p.ieps_type',
  'p.ieps_value',
  'p.track_lots',
  'p.image_urls',
  'p.active as product_active',
] as const;

interface SellableRow extends SkuRow {
  product_name: string;
  clave_prod_serv: string;
  clave_unidad: string;
  unit_name: string;
  sold_by_weight: boolean;
  price_includes_tax: boolean;
  iva: IvaKind;
  ieps_type: IepsType;
  ieps_value: string | null;
  track_lots: boolean;
  image_urls: string[];
  product_active: boolean;
}

function toSellable(r: SellableRow, codes: string[]): SellableSku {
  return {
    ...toSku({ ...r, active: r.active && r.product_active }, codes),
    productName: r.variant_name ? `${r.product_name} ${r.variant_name}` : r.product_name,
    claveProdServ: r.clave_prod_serv,
    claveUnidad: r.clave_unidad,
    unitName: r.unit_name,
    soldByWeight: r.sold_by_weight,
    priceIncludesTax: r.price_includes_tax,
    iva: r.iva,
    ieps: r.ieps_type === 'none' ? null : { type: r.ieps_type as 'rate' | 'quota', value: r.ieps_value! },
    trackLots: r.track_lots,
    imageUrls: r.image_urls,
  };
}

function sellableQuery(ctx: Ctx) {
  return ctx.db
    .selectFrom('skus as s')
    .innerJoin('products as p', (j) =>
      j.onRef('p.tenant_id', '=', 's.tenant_id').onRef('p.id', '=', 's.product_id'),
    )
    .select(sellableColumns)
    .where('s.tenant_id', '=', ctx.tenantId);
}

const barcodeList = sql<
  string[]
>`array(select b.code from barcodes b where b.tenant_id = s.tenant_id and b.sku_id = s.id order by b.code)`.as(
  'barcode_list',
);

/** SKUs by id with what a sale needs (price, taxes, SAT keys). Unknown ids are simply absent. */
export async function getSellableSkus(ctx: Ctx, skuIds: string[]): Promise<Map<string, SellableSku>> {
  const m = new Map<string, SellableSku>();
  if (skuIds.length === 0) return m;
  // One round trip (the checkout path reads this): barcodes come along as an array.
  const rows = (await sellableQuery(ctx)
    .select(barcodeList)
    // one array parameter: a single statement text whatever the count (prepared once)
    .where(sql<boolean>`s.id = any(${skuIds}::text[])`)
    .execute()) as (SellableRow & { barcode_list: string[] })[];
  for (const r of rows) m.set(r.id, toSellable(r, r.barcode_list));
  return m;
}

/** The SKU a scanned barcode belongs to. Errors: BARCODE_INVALID, BARCODE_CHECK_DIGIT, BARCODE_NOT_FOUND. */
export async function lookupBarcode(ctx: Ctx, code: string): Promise<SellableSku> {
  const c = assertBarcode(code);
  // One round trip (every scan reads this): the SKU's barcodes come along as an array.
  const row = (await sellableQuery(ctx)
    .select(barcodeList)
    .innerJoin('barcodes as b', (j) =>
      j.onRef('b.tenant_id', '=', 's.tenant_id').onRef('b.sku_id', '=', 's.id'),
    )
    .where('b.code', '=', c)
    .executeTakeFirst()) as (SellableRow & { barcode_list: string[] }) | undefined;
  if (!row) throw new AppError(E.BARCODE_NOT_FOUND, { code: c });
  return toSellable(row, row.barcode_list);
}

/** The SKU with this code (case-insensitive). Errors: SKU_NOT_FOUND. */
export async function getSkuByCode(ctx: Ctx, sku: string): Promise<SellableSku> {
  const row = (await sellableQuery(ctx)
    .where((eb) => eb(eb.fn('lower', ['s.sku']), '=', sku.toLowerCase()))
    .executeTakeFirst()) as SellableRow | undefined;
  if (!row) throw new AppError(E.SKU_NOT_FOUND, { sku });
  const codes = await barcodesOf(ctx, [row.id]);
  return toSellable(row, codes.get(row.id) ?? []);
}

/**
 * Search by name, SKU or barcode, accent- and case-insensitive ("cafe" finds "Café"); every word
 * of the query must match. Order: the SKU whose code or barcode is the query; then SKUs with a
 * word starting with each query word ("coc" → Coca-Cola), by that word, its place in the name,
 * then name; then, only to fill the page, SKUs with the words inside words ("ech" → leche),
 * ordered the same way. A one-word search reads about one page from each index however many
 * SKUs match; with more words, the longest word's SKUs are read until enough have the others.
 */
export async function searchSkus(ctx: Ctx, input: { q: string; limit: number }): Promise<SellableSku[]> {
  const words = searchTerms(input.q);
  if (words.length === 0) return [];
  // The longest word drives the index read (fewest rows); the others are checked per SKU.
  const lead = words.reduce((a, b) => (b.length > a.length ? b : a));
  const others = words.filter((w) => w !== lead);
  const found = new Map<string, SellableSku>();
  // A SKU comes once per word that starts with `lead` ("choco", "chocolate"): when repeats left
  // the page short and the word read was cut, read more.
  for (let rows = input.limit; ; rows *= 4) {
    const hits = await codeAndWordStartMatches(ctx, { q: input.q, lead, others, rows });
    found.clear();
    for (const sku of hits.skus) if (found.size < input.limit && !found.has(sku.id)) found.set(sku.id, sku);
    if (found.size >= input.limit || hits.wordRows < rows) break;
  }
  // The trigram index needs 3 characters; a shorter fragment would read every word of the tenant.
  if (found.size < input.limit && lead.length >= 3) {
    const exclude = [...found.keys()];
    const ids = await distinctSkus(input.limit - found.size, (rows) =>
      innerWordMatches(ctx, lead, others, exclude, rows),
    );
    const inner = await getSellableSkus(ctx, ids);
    for (const id of ids) {
      const sku = inner.get(id);
      if (sku) found.set(id, sku);
    }
  }
  return [...found.values()];
}

/**
 * In one round trip, as most searches need nothing else: active SKUs whose code (any case) or
 * barcode is exactly `q`, then the first `rows` words starting with `lead` of active SKUs with
 * words starting with each of `others`, read from the prefix index in result order; all with
 * their sellable data. A SKU can come more than once; `wordRows` counts the word rows read.
 */
async function codeAndWordStartMatches(
  ctx: Ctx,
  input: { q: string; lead: string; others: string[]; rows: number },
): Promise<{ skus: SellableSku[]; wordRows: number }> {
  const code = input.q.trim();
  const noWord = [sql<string>`''`.as('term'), sql<number>`0`.as('ordinal'), sql<string>`''`.as('sort_key')];
  const byCode = ctx.db
    .selectFrom('skus as s')
    .select([sql<number>`0`.as('grp'), 's.id as sku_id', ...noWord])
    .where('s.tenant_id', '=', ctx.tenantId)
    .where((eb) =>
      eb(eb.fn('lower', ['s.sku']), 'in', [...new Set([code.toLowerCase(), normalizeSearch(code)])]),
    );
  const byBarcode = ctx.db
    .selectFrom('barcodes as b')
    .select([sql<number>`1`.as('grp'), 'b.sku_id', ...noWord])
    .where('b.tenant_id', '=', ctx.tenantId)
    .where('b.code', '=', code);
  let words = ctx.db
    .selectFrom('sku_search_terms as t')
    .innerJoin('skus as s', (j) => j.onRef('s.tenant_id', '=', 't.tenant_id').onRef('s.id', '=', 't.sku_id'))
    .select(['t.sku_id', 't.term', 't.ordinal', 't.sort_key'])
    .where('t.tenant_id', '=', ctx.tenantId)
    .where('t.term', '>=', input.lead)
    .where('t.term', '<', prefixEnd(input.lead))
    .where('s.active', '=', true);
  for (const w of input.others) words = words.where(hasWordStartingWith(w));
  const byWord = ctx.db
    .selectFrom(
      words
        .orderBy('t.term')
        .orderBy('t.ordinal')
        .orderBy('t.sort_key')
        .orderBy('t.sku_id')
        .limit(input.rows)
        .as('w'),
    )
    .select([sql<number>`2`.as('grp'), 'w.sku_id', 'w.term', 'w.ordinal', 'w.sort_key']);
  const rows = (await sellableQuery(ctx)
    .innerJoin(byCode.unionAll(byBarcode).unionAll(byWord).as('h'), (j) => j.onRef('h.sku_id', '=', 's.id'))
    .select(barcodeList)
    .select('h.grp')
    .where('s.active', '=', true)
    .orderBy('h.grp')
    .orderBy(sql`h.term collate "C"`)
    .orderBy('h.ordinal')
    .orderBy(sql`h.sort_key collate "C"`)
    .orderBy('h.sku_id')
    .execute()) as (SellableRow & { barcode_list: string[]; grp: number })[];
  return {
    skus: rows.map((r) => toSellable(r, r.barcode_list)),
    wordRows: rows.filter((r) => r.grp === 2).length,
  };
}

/** The first `limit` distinct ids of an ordered read that may repeat ids; reads more if repeats cut it. */
async function distinctSkus(limit: number, read: (rows: number) => Promise<string[]>): Promise<string[]> {
  for (let rows = limit; ; rows *= 4) {
    const found = await read(rows);
    const ids = [...new Set(found)];
    if (ids.length >= limit || found.length < rows) return ids.slice(0, limit);
  }
}

/** Every string that starts with `prefix` sorts (bytewise, collation "C") below this one. */
function prefixEnd(prefix: string): string {
  return `${prefix}\u{10FFFF}`;
}

function hasWordStartingWith(w: string) {
  return (eb: ExpressionBuilder<DB & { t: DB['sku_search_terms'] }, 't'>) =>
    eb.exists(
      eb
        .selectFrom('sku_search_terms as o')
        .select(sql`1`.as('one'))
        .whereRef('o.tenant_id', '=', 't.tenant_id')
        .whereRef('o.sku_id', '=', 't.sku_id')
        .where('o.term', '>=', w)
        .where('o.term', '<', prefixEnd(w)),
    );
}

function hasWordContaining(w: string) {
  return (eb: ExpressionBuilder<DB & { t: DB['sku_search_terms'] }, 't'>) =>
    eb.exists(
      eb
        .selectFrom('sku_search_terms as o')
        .select(sql`1`.as('one'))
        .whereRef('o.tenant_id', '=', 't.tenant_id')
        .whereRef('o.sku_id', '=', 't.sku_id')
        .where('o.term', 'like', `%${likeEscape(w)}%`),
    );
}

/** How many of the tenant's words containing a fragment are used (the first ones, sorted). */
const INNER_WORDS = 50;

/**
 * Active SKUs other than `exclude` with a word containing `lead` and words containing each of
 * `others`, in result order: the tenant's words containing `lead` come from the trigram index
 * on sku_search_words, then each word's SKUs from the prefix index, at most `rows` per word.
 */
async function innerWordMatches(
  ctx: Ctx,
  lead: string,
  others: string[],
  exclude: string[],
  rows: number,
): Promise<string[]> {
  // A statement of its own, without ORDER BY or LIMIT: with them a generic plan (postgres.js
  // prepares statements) walked the whole primary key in word order instead of the trigram index.
  const words = (
    await ctx.db
      .selectFrom('sku_search_words')
      .select('word')
      .where('tenant_id', '=', ctx.tenantId)
      .where('word', 'like', `%${likeEscape(lead)}%`)
      .execute()
  )
    .map((r) => r.word)
    .sort()
    .slice(0, INNER_WORDS);
  if (words.length === 0) return [];
  const found = await ctx.db
    .selectFrom(sql<{ word: string }>`unnest(${words}::text[])`.as('word'))
    .innerJoinLateral(
      (eb) => {
        let q = eb
          .selectFrom('sku_search_terms as t')
          .innerJoin('skus as s', (j) =>
            j.onRef('s.tenant_id', '=', 't.tenant_id').onRef('s.id', '=', 't.sku_id'),
          )
          .select(['t.sku_id', 't.ordinal', 't.sort_key'])
          .where('t.tenant_id', '=', ctx.tenantId)
          .whereRef('t.term', '=', 'word.word')
          .where('s.active', '=', true);
        for (const w of others) q = q.where(hasWordContaining(w));
        if (exclude.length > 0) q = q.where('t.sku_id', 'not in', exclude);
        return q.orderBy('t.ordinal').orderBy('t.sort_key').orderBy('t.sku_id').limit(rows).as('m');
      },
      (j) => j.onTrue(),
    )
    .select('m.sku_id')
    .orderBy(sql`word.word collate "C"`)
    .orderBy('m.ordinal')
    .orderBy('m.sort_key')
    .orderBy('m.sku_id')
    .limit(rows)
    .execute();
  return found.map((r) => r.sku_id);
}

/** The price of a SKU on a channel: the channel's override, else the base price. */
export function priceFor(sku: Pick<SellableSku, 'price' | 'channels'>, channel: Channel): string {
  return sku.channels[channel]?.price ?? sku.price;
}

/** Whether a SKU may be sold on a channel (available unless the channel says otherwise). */
export function availableOn(sku: Pick<SellableSku, 'active' | 'channels'>, channel: Channel): boolean {
  return sku.active && sku.channels[channel]?.available !== false;
}

export async function listCategories(ctx: Ctx): Promise<Category[]> {
  const rows = await ctx.db
    .selectFrom('categories')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .orderBy('name')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, parentId: r.parent_id }));
}

export async function createCategory(
  ctx: Ctx,
  input: { name: string; parentId?: string | null },
): Promise<Category> {
  if (input.parentId) await assertCategory(ctx, input.parentId);
  const id = newId('cat');
  await ctx.db
    .insertInto('categories')
    .values({
      tenant_id: ctx.tenantId,
      id,
      name: input.name,
      parent_id: input.parentId ?? null,
      created_at: ctx.now,
    })
    .execute();
  return { id, name: input.name, parentId: input.parentId ?? null };
}
