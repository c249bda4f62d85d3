import { sql } from 'kysely';
import { json } from '../../db/types.js';
import type { z } from 'zod';
import type { Ctx } from '../../shared/context.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { isValidSatKey } from '../../sat/catalogs.js';
import { recordAudit, recordEvent } from '../events/events.service.js';
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
import { normalizeSearch } from './search-text.js';

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

async function insertSku(ctx: Ctx, productId: string, productName: string, s: SkuInput): Promise<string> {
  const barcodes = [...new Set((s.barcodes ?? []).map(assertBarcode))];
  const id = newId('sku');
  await ctx.db
    .insertInto('skus')
    .values({
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
    })
    .execute();
  if (barcodes.length > 0) {
    await ctx.db
      .insertInto('barcodes')
      .values(barcodes.map((code) => ({ tenant_id: ctx.tenantId, code, sku_id: id, created_at: ctx.now })))
      .execute();
  }
  return id;
}

/**
 * Creates a product with its SKUs and barcodes. SAT keys are checked against SAT's catalogs,
 * barcodes by their check digit. Errors: CLAVE_PROD_SERV_INVALID, CLAVE_UNIDAD_INVALID,
 * BARCODE_INVALID, BARCODE_CHECK_DIGIT, BARCODE_DUPLICATE, SKU_DUPLICATE, IEPS_VALUE_REQUIRED.
 */
export async function createProduct(ctx: Ctx, input: CreateProductInput): Promise<Product> {
  checkSatKeys(ctx, input.claveProdServ, input.claveUnidad);
  if (input.soldByWeight && input.claveUnidad !== 'KGM') throw new AppError(E.WEIGHT_UNIT_MISMATCH);
  if (input.categoryId) await assertCategory(ctx, input.categoryId);
  const id = newId('prd');
  await ctx.db
    .insertInto('products')
    .values({
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
    })
    .execute();
  for (const s of input.skus) await insertSku(ctx, id, input.name, s);
  await recordEvent(ctx, 'product.created', { productId: id });
  await recordAudit(ctx, { action: 'product.created', entityType: 'product', entityId: id });
  return getProduct(ctx, id);
}

async function assertCategory(ctx: Ctx, categoryId: string): Promise<void> {
  const c = await ctx.db
    .selectFrom('categories')
    .select('id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', categoryId)
    .executeTakeFirst();
  if (!c) throw new AppError(E.CATEGORY_NOT_FOUND, { categoryId });
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
  const id = await insertSku(ctx, productId, p.name, input);
  await recordEvent(ctx, 'product.updated', { productId, skuId: id });
  await recordAudit(ctx, { action: 'sku.created', entityType: 'sku', entityId: id });
  const product = await getProduct(ctx, productId);
  return product.skus.find((s) => s.id === id)!;
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
    .map((p) => ({
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
      skus: skus.filter((s) => s.product_id === p.id).map((s) => toSku(s, codes.get(s.id) ?? [])),
      createdAt: p.created_at.toISOString(),
      updatedAt: p.updated_at.toISOString(),
    }));
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
    const pattern = `%${likeEscape(normalizeSearch(input.q))}%`;
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

/** SKUs by id with what a sale needs (price, taxes, SAT keys). Unknown ids are simply absent. */
export async function getSellableSkus(ctx: Ctx, skuIds: string[]): Promise<Map<string, SellableSku>> {
  const m = new Map<string, SellableSku>();
  if (skuIds.length === 0) return m;
  // One round trip (the checkout path reads this): barcodes come along as an array.
  const rows = (await sellableQuery(ctx)
    .select(
      sql<
        string[]
      >`array(select b.code from barcodes b where b.tenant_id = s.tenant_id and b.sku_id = s.id order by b.code)`.as(
        'barcode_list',
      ),
    )
    .where('s.id', 'in', skuIds)
    .execute()) as (SellableRow & { barcode_list: string[] })[];
  for (const r of rows) m.set(r.id, toSellable(r, r.barcode_list));
  return m;
}

/** The SKU a scanned barcode belongs to. Errors: BARCODE_INVALID, BARCODE_CHECK_DIGIT, BARCODE_NOT_FOUND. */
export async function lookupBarcode(ctx: Ctx, code: string): Promise<SellableSku> {
  const c = assertBarcode(code);
  const row = (await sellableQuery(ctx)
    .innerJoin('barcodes as b', (j) =>
      j.onRef('b.tenant_id', '=', 's.tenant_id').onRef('b.sku_id', '=', 's.id'),
    )
    .where('b.code', '=', c)
    .executeTakeFirst()) as SellableRow | undefined;
  if (!row) throw new AppError(E.BARCODE_NOT_FOUND, { code: c });
  const codes = await barcodesOf(ctx, [row.id]);
  return toSellable(row, codes.get(row.id) ?? []);
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
 * Search by name, SKU or barcode, accent- and case-insensitive ("cafe" finds "Café"), through
 * a trigram index on the normalised text. Exact barcode or SKU matches come first.
 */
export async function searchSkus(ctx: Ctx, input: { q: string; limit: number }): Promise<SellableSku[]> {
  const norm = normalizeSearch(input.q);
  if (norm.length === 0) return [];
  const pattern = `%${likeEscape(norm)}%`;
  const rows = (await sellableQuery(ctx)
    .where('s.search_text', 'like', pattern)
    .where('s.active', '=', true)
    .orderBy(sql`(lower(s.sku) = ${norm})`, 'desc')
    .orderBy(sql`(s.search_text like ${`${likeEscape(norm)}%`})`, 'desc')
    .orderBy('p.name')
    .limit(input.limit)
    .execute()) as SellableRow[];
  const codes = await barcodesOf(
    ctx,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toSellable(r, codes.get(r.id) ?? []));
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
