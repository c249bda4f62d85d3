import { defineErrors } from '../../shared/errors.js';

/** Whole-file errors (the import does not start) and per-row errors (the row is listed, skipped). */
export const ImportErrors = defineErrors({
  IMPORT_EMPTY_FILE: {
    status: 422,
    es: 'El archivo está vacío o no tiene renglones después de los encabezados.',
    en: 'The file is empty or has no rows after the header.',
  },
  IMPORT_MISSING_COLUMNS: {
    status: 422,
    es: 'Faltan columnas obligatorias en el archivo: {missing}.',
    en: 'Required columns are missing from the file: {missing}.',
  },
  IMPORT_DUPLICATE_COLUMN: {
    status: 422,
    es: 'Dos columnas del archivo corresponden al mismo campo ({field}): {columns}.',
    en: 'Two columns of the file map to the same field ({field}): {columns}.',
  },
  IMPORT_UNKNOWN_FIELD: {
    status: 422,
    es: 'El mapeo "{mapping}" apunta a un campo que no existe. Campos válidos: {fields}.',
    en: 'Mapping "{mapping}" names an unknown field. Valid fields: {fields}.',
  },
  IMPORT_MAPPED_COLUMN_MISSING: {
    status: 422,
    es: 'El mapeo nombra la columna "{column}", que no está en el archivo.',
    en: 'The mapping names column "{column}", which is not in the file.',
  },
  IMPORT_UNKNOWN_LOCATION: {
    status: 422,
    es: 'La columna "{column}" se refiere a la sucursal "{location}", que no existe (o coincide con varias).',
    en: 'Column "{column}" refers to location "{location}", which does not exist (or matches several).',
  },
  IMPORT_NO_DEFAULT_LOCATION: {
    status: 422,
    es: 'La columna "{column}" no dice de qué sucursal es la existencia: indica la sucursal (--location) o usa "existencia_<sucursal>".',
    en: 'Column "{column}" does not say which location the stock is for: give a location or use "stock:<location>".',
  },
  IMPORT_UNREADABLE: {
    status: 422,
    es: 'No se pudo leer el archivo como CSV: {reason}.',
    en: 'The file could not be read as CSV: {reason}.',
  },
  SKU_REQUIRED: { status: 422, es: 'Falta el SKU.', en: 'The SKU is missing.' },
  NAME_REQUIRED: {
    status: 422,
    es: 'Falta el nombre del producto.',
    en: 'The product name is missing.',
  },
  PRICE_REQUIRED: { status: 422, es: 'Falta el precio.', en: 'The price is missing.' },
  SKU_DUPLICATE_IN_FILE: {
    status: 422,
    es: 'El SKU {sku} ya apareció en el renglón {firstRow}; este renglón no se importó.',
    en: 'SKU {sku} already appeared in row {firstRow}; this row was not imported.',
  },
  BARCODE_DUPLICATE_IN_FILE: {
    status: 422,
    es: 'El código de barras {code} ya apareció en el renglón {firstRow}.',
    en: 'Barcode {code} already appeared in row {firstRow}.',
  },
  BARCODE_SCIENTIFIC_NOTATION: {
    status: 422,
    es: 'El código de barras "{value}" está en notación científica: Excel perdió dígitos. Da formato de texto a la columna y vuelve a exportar.',
    en: 'Barcode "{value}" is in scientific notation: Excel lost digits. Format the column as text and export again.',
  },
  SKU_SCIENTIFIC_NOTATION: {
    status: 422,
    es: 'El SKU "{value}" está en notación científica: Excel perdió dígitos. Da formato de texto a la columna y vuelve a exportar.',
    en: 'SKU "{value}" is in scientific notation: Excel lost digits. Format the column as text and export again.',
  },
  AMOUNT_INVALID: {
    status: 422,
    es: 'El importe "{value}" no es válido: usa p. ej. 18.50, 18,50 o $1,299.00.',
    en: 'Amount "{value}" is not valid: use e.g. 18.50, 18,50 or $1,299.00.',
  },
  AMOUNT_AMBIGUOUS: {
    status: 422,
    es: 'El importe "{value}" es ambiguo: no se sabe si el separador es de miles o de decimales. Escríbelo con decimales, p. ej. 1299.00 o 1.29.',
    en: 'Amount "{value}" is ambiguous: the separator may be thousands or decimals. Write it with decimals, e.g. 1299.00 or 1.29.',
  },
  AMOUNT_TOO_MANY_DECIMALS: {
    status: 422,
    es: 'El importe "{value}" tiene más de {places} decimales.',
    en: 'Amount "{value}" has more than {places} decimals.',
  },
  AMOUNT_NEGATIVE: {
    status: 422,
    es: 'El importe "{value}" no puede ser negativo.',
    en: 'Amount "{value}" cannot be negative.',
  },
  QUANTITY_INVALID: {
    status: 422,
    es: 'La cantidad "{value}" no es válida (hasta tres decimales, sin negativos).',
    en: 'Quantity "{value}" is not valid (up to three decimals, not negative).',
  },
  QUANTITY_AMBIGUOUS: {
    status: 422,
    es: 'La cantidad "{value}" es ambigua: no se sabe si el separador es de miles o de decimales.',
    en: 'Quantity "{value}" is ambiguous: the separator may be thousands or decimals.',
  },
  STOCK_NOT_WHOLE: {
    status: 422,
    es: 'La existencia "{value}" tiene decimales, pero el producto no se vende a granel.',
    en: 'Stock "{value}" has decimals but the product is not sold by weight.',
  },
  IVA_INVALID: {
    status: 422,
    es: 'El IVA "{value}" no es válido: usa 16, 8, 0 o exento.',
    en: 'VAT "{value}" is not valid: use 16, 8, 0 or exento.',
  },
  IEPS_INVALID: {
    status: 422,
    es: 'El IEPS "{value}" no es válido: usa una tasa como 8 o 26.5% o una cuota como "cuota 1.6451".',
    en: 'IEPS "{value}" is not valid: use a rate such as 8 or 26.5% or a quota such as "cuota 1.6451".',
  },
  BOOLEAN_INVALID: {
    status: 422,
    es: 'El valor "{value}" no es válido: usa sí o no.',
    en: 'Value "{value}" is not valid: use yes or no.',
  },
  VALUE_INVALID: {
    status: 422,
    es: 'El valor de la columna no es válido: {reason}',
    en: 'The column value is not valid: {reason}',
  },
  STOCK_IGNORED_FOR_EXISTING: {
    status: 422,
    es: 'El SKU ya existía: la existencia inicial no se aplicó (usa una entrada de mercancía o un conteo).',
    en: 'The SKU already existed: initial stock was not applied (use a receipt or a count).',
  },
  PHONE_SCIENTIFIC_NOTATION: {
    status: 422,
    es: 'El teléfono "{value}" está en notación científica: Excel perdió dígitos. Da formato de texto a la columna y vuelve a exportar.',
    en: 'Phone "{value}" is in scientific notation: Excel lost digits. Format the column as text and export again.',
  },
  EMAIL_INVALID: {
    status: 422,
    es: 'El correo "{value}" no es válido.',
    en: 'E-mail "{value}" is not valid.',
  },
  CUSTOMER_DUPLICATE_IN_FILE: {
    status: 422,
    es: '{value} ya apareció en el renglón {firstRow}; este renglón no se importó (junta los dos en uno).',
    en: '{value} already appeared in row {firstRow}; this row was not imported (join both into one).',
  },
  DATE_INVALID: {
    status: 422,
    es: 'La fecha "{value}" no es válida: escríbela como día/mes/año (15/03/2026) o 2026-03-15.',
    en: 'Date "{value}" is not valid: write it as day/month/year (15/03/2026) or 2026-03-15.',
  },
  OPENING_SINCE_TODAY: {
    status: 422,
    es: 'El renglón no dice desde cuándo debe: el saldo se registró con fecha de hoy ({today}), así que su antigüedad empieza hoy.',
    en: 'The row does not say since when the debt is owed: it was recorded as of today ({today}), so its age starts today.',
  },
  OPENING_SKIPPED_ACCOUNT_IN_USE: {
    status: 422,
    es: 'El saldo de {amount:money} no se cargó: la cuenta de este cliente ya tiene movimientos (debe {balance:money}). Si es otra deuda, regístrala en su cuenta.',
    en: 'The balance of {amount:money} was not loaded: this customer’s account already has movements (owes {balance:money}). If it is another debt, record it on the account.',
  },
  IMPORT_ROW_FAILED: {
    status: 500,
    es: 'El renglón no se pudo importar por un error inesperado: {reason}',
    en: 'The row could not be imported because of an unexpected error: {reason}',
  },
});
