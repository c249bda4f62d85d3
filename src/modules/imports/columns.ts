import { AppError } from '../../shared/errors.js';
import { ImportErrors as E } from './imports.errors.js';

/** The product fields a CSV column can carry. */
export const IMPORT_FIELDS = [
  'sku',
  'name',
  'price',
  'barcodes',
  'claveProdServ',
  'claveUnidad',
  'iva',
  'ieps',
  'cost',
  'category',
  'priceIncludesTax',
  'soldByWeight',
  'unitName',
  'reorderPoint',
  'description',
  'variantName',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

export const REQUIRED_FIELDS: ImportField[] = ['sku', 'name', 'price'];

/** Spanish name of each field, for messages and for the export's header. */
export const FIELD_HEADERS: Record<ImportField, string> = {
  sku: 'sku',
  name: 'nombre',
  price: 'precio',
  barcodes: 'codigo_barras',
  claveProdServ: 'clave_sat',
  claveUnidad: 'clave_unidad',
  iva: 'iva',
  ieps: 'ieps',
  cost: 'costo',
  category: 'categoria',
  priceIncludesTax: 'precio_incluye_iva',
  soldByWeight: 'granel',
  unitName: 'unidad',
  reorderPoint: 'punto_reorden',
  description: 'descripcion',
  variantName: 'variante',
};

/** Header spellings accepted for each field, after `normalizeHeader`. */
const ALIASES: Record<ImportField, string[]> = {
  sku: ['sku', 'clave_interna', 'codigo_interno', 'clave_producto'],
  name: ['nombre', 'name', 'producto', 'nombre_producto', 'nombre_del_producto', 'articulo'],
  price: ['precio', 'price', 'precio_venta', 'precio_de_venta', 'precio_publico', 'pvp'],
  barcodes: [
    'codigo_barras',
    'codigo_de_barras',
    'codigos_de_barras',
    'codigos_barras',
    'barcode',
    'barcodes',
    'ean',
    'upc',
    'ean13',
  ],
  claveProdServ: [
    'clave_sat',
    'clave_prod_serv',
    'claveprodserv',
    'clave_producto_sat',
    'clave_producto_servicio',
    'clave_prodserv',
  ],
  claveUnidad: ['clave_unidad', 'claveunidad', 'clave_unidad_sat', 'unidad_sat'],
  iva: ['iva', 'tasa_iva', 'vat'],
  ieps: ['ieps', 'tasa_ieps', 'cuota_ieps'],
  cost: ['costo', 'cost', 'precio_compra', 'precio_de_compra', 'costo_unitario'],
  category: ['categoria', 'category', 'departamento', 'familia'],
  priceIncludesTax: ['precio_incluye_iva', 'incluye_iva', 'price_includes_tax', 'precio_con_iva'],
  soldByWeight: ['granel', 'a_granel', 'sold_by_weight', 'por_peso', 'se_vende_por_peso'],
  unitName: ['unidad', 'unit_name', 'unidad_de_medida'],
  reorderPoint: [
    'punto_reorden',
    'punto_de_reorden',
    'reorder_point',
    'minimo',
    'stock_minimo',
    'existencia_minima',
  ],
  description: ['descripcion', 'description'],
  variantName: ['variante', 'variant', 'variant_name'],
};

const aliasToField = new Map<string, ImportField>();
for (const f of IMPORT_FIELDS) {
  aliasToField.set(f.toLowerCase(), f);
  for (const a of ALIASES[f]) aliasToField.set(a, f);
}

/** "Código de Barras" → "codigo_de_barras": lower case, no accents, words joined by `_`. */
export function normalizeHeader(h: string): string {
  return h
    .replace(/^\uFEFF/, '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .trim()
    .replace(/[\s\-.]+/g, '_')
    .replace(/[^a-z0-9_:]/g, '');
}

const STOCK_WORDS = ['existencia', 'existencias', 'stock', 'inventario'];

/** What a column carries: a product field, stock at a location (null: the default one), or nothing. */
export type ColumnTarget =
  | { kind: 'field'; field: ImportField }
  | { kind: 'stock'; location: string | null }
  | { kind: 'ignored' };

export function targetOfHeader(header: string): ColumnTarget {
  const n = normalizeHeader(header);
  const field = aliasToField.get(n);
  if (field) return { kind: 'field', field };
  if (STOCK_WORDS.includes(n)) return { kind: 'stock', location: null };
  const m = /^(existencias?|stock|inventario)(?:_en)?[_:](.+)$/.exec(n);
  if (m) {
    // Keep the location as written after the prefix ("stock:Tienda Centro").
    const raw = header.trim().replace(/^\uFEFF/, '');
    const idx = raw.search(/[_:\s]/);
    return {
      kind: 'stock',
      location:
        raw
          .slice(idx + 1)
          .replace(/^en[_\s]/i, '')
          .trim() || m[2]!,
    };
  }
  return { kind: 'ignored' };
}

/** A mapping target as the user writes it: a field ("price", "precio") or "stock:<location>". */
export function targetOfMapping(target: string, mappingText: string): ColumnTarget {
  const t = target.trim();
  if (t === '' || normalizeHeader(t) === 'ignorar' || normalizeHeader(t) === 'ignore')
    return { kind: 'ignored' };
  const asHeader = targetOfHeader(t);
  if (asHeader.kind !== 'ignored') return asHeader;
  throw new AppError(E.IMPORT_UNKNOWN_FIELD, {
    mapping: mappingText,
    fields: [...IMPORT_FIELDS, 'stock:<sucursal>'].join(', '),
  });
}

/** The CLI's `--map "Clave=sku,Precio Público=price"` (file column = field) as an object. */
export function parseMappingArg(arg: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of arg.split(',')) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    if (eq < 0)
      throw new AppError(E.IMPORT_UNKNOWN_FIELD, { mapping: part, fields: IMPORT_FIELDS.join(', ') });
    out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}
