import { registerUniqueConstraint } from '../../db/errors.js';
import { defineErrors } from '../../shared/errors.js';

export const CatalogErrors = defineErrors({
  PRODUCT_NOT_FOUND: { status: 404, es: 'No existe ese producto.', en: 'No such product.' },
  SKU_NOT_FOUND: { status: 404, es: 'No existe el SKU {sku}.', en: 'No such SKU {sku}.' },
  BARCODE_NOT_FOUND: {
    status: 404,
    es: 'El código de barras {code} no corresponde a ningún producto.',
    en: 'Barcode {code} matches no product.',
  },
  BARCODE_INVALID: {
    status: 422,
    es: 'El código de barras {code} no es válido: debe tener 8, 12, 13 o 14 dígitos.',
    en: 'Barcode {code} is not valid: it must have 8, 12, 13 or 14 digits.',
  },
  BARCODE_CHECK_DIGIT: {
    status: 422,
    es: 'El dígito verificador del código {code} no cuadra (debería ser {expected}). Revisa que esté bien escrito.',
    en: 'The check digit of barcode {code} is wrong (it should be {expected}).',
  },
  BARCODE_DUPLICATE: {
    status: 409,
    es: 'Ese código de barras ya está asignado a otro producto.',
    en: 'This barcode is already assigned to another SKU.',
  },
  SKU_DUPLICATE: {
    status: 409,
    es: 'Ya existe un producto con ese SKU.',
    en: 'A product with this SKU exists.',
  },
  CLAVE_PROD_SERV_INVALID: {
    status: 422,
    es: 'La clave de producto o servicio SAT {clave} no existe en el catálogo del SAT.',
    en: 'SAT product key {clave} is not in the SAT catalog.',
  },
  CLAVE_UNIDAD_INVALID: {
    status: 422,
    es: 'La clave de unidad SAT {clave} no existe en el catálogo del SAT.',
    en: 'SAT unit key {clave} is not in the SAT catalog.',
  },
  IEPS_VALUE_REQUIRED: {
    status: 422,
    es: 'Indica la tasa o la cuota del IEPS.',
    en: 'Give the IEPS rate or quota.',
  },
  WEIGHT_UNIT_MISMATCH: {
    status: 422,
    es: 'Un producto a granel se vende por kilo: usa la clave de unidad KGM.',
    en: 'A product sold by weight uses unit key KGM.',
  },
  CATEGORY_NOT_FOUND: { status: 404, es: 'No existe esa categoría.', en: 'No such category.' },
  CATEGORY_DUPLICATE: {
    status: 409,
    es: 'Ya existe una categoría con ese nombre.',
    en: 'A category with this name exists.',
  },
  PRODUCT_NEEDS_SKU: {
    status: 422,
    es: 'El producto necesita al menos un SKU con precio.',
    en: 'The product needs at least one SKU with a price.',
  },
});

registerUniqueConstraint('skus_sku_key', 'SKU_DUPLICATE');
registerUniqueConstraint('barcodes_pkey', 'BARCODE_DUPLICATE');
registerUniqueConstraint('categories_name_key', 'CATEGORY_DUPLICATE');
