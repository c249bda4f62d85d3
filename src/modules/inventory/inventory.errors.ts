import { defineErrors } from '../../shared/errors.js';

export const InventoryErrors = defineErrors({
  STOCK_INSUFFICIENT: {
    status: 409,
    es: 'No hay existencias suficientes: pediste {requested} y hay {available} disponibles.',
    en: 'Not enough stock: {requested} requested, {available} available.',
  },
  STOCK_QUANTITY_INVALID: {
    status: 422,
    es: 'La cantidad debe ser mayor que cero.',
    en: 'The quantity must be greater than zero.',
  },
  RESERVATION_NOT_FOUND: {
    status: 404,
    es: 'No existe ese apartado de mercancía.',
    en: 'No such reservation.',
  },
  RESERVATION_EXPIRED: {
    status: 409,
    es: 'El apartado ya venció; vuelve a apartar la mercancía.',
    en: 'The reservation has expired; reserve the stock again.',
  },
  RESERVATION_NOT_ACTIVE: {
    status: 409,
    es: 'El apartado ya no está activo (estado: {status:label}).',
    en: 'The reservation is no longer active (status: {status}).',
  },
  RESERVATION_EXPIRY_INVALID: {
    status: 422,
    es: 'La fecha de vencimiento del apartado debe ser futura.',
    en: 'The reservation must expire in the future.',
  },
  ADJUSTMENT_INVALID: {
    status: 422,
    es: 'Indica una cantidad a sumar o restar, o la cantidad contada, pero no ambas.',
    en: 'Give either a signed quantity or the counted quantity, not both.',
  },
  LOT_DUPLICATE: {
    status: 409,
    es: 'Ese lote ya existe con otra fecha de caducidad.',
    en: 'This lot exists with another expiry date.',
  },
  LOT_NOT_TRACKED: {
    status: 422,
    es: 'El producto {skuId} no maneja lotes.',
    en: 'SKU {skuId} does not track lots.',
  },
  LOT_REQUIRED: {
    status: 422,
    es: 'El producto {skuId} maneja lotes: indica el lote y su caducidad.',
    en: 'SKU {skuId} tracks lots: give the lot code and its expiry.',
  },
  TRANSFER_NOT_FOUND: { status: 404, es: 'No existe ese traspaso.', en: 'No such transfer.' },
  TRANSFER_SAME_LOCATION: {
    status: 422,
    es: 'El traspaso debe ir a otra sucursal.',
    en: 'A transfer goes to another location.',
  },
  TRANSFER_STATUS: {
    status: 409,
    es: 'El traspaso está {status:label}; no se puede {action:label}.',
    en: 'The transfer is {status}; it cannot be {action}.',
  },
  TRANSFER_LINE_UNKNOWN: {
    status: 422,
    es: 'El producto {skuId} no viene en este traspaso.',
    en: 'SKU {skuId} is not on this transfer.',
  },
  COUNT_NOT_FOUND: { status: 404, es: 'No existe ese conteo.', en: 'No such count.' },
  COUNT_NOT_OPEN: {
    status: 409,
    es: 'El conteo ya fue aplicado o cancelado.',
    en: 'The count was already posted or cancelled.',
  },
  COUNT_LINE_UNKNOWN: {
    status: 422,
    es: 'El producto {skuId} no está en esta hoja de conteo.',
    en: 'SKU {skuId} is not on this count sheet.',
  },
  COUNT_EMPTY: {
    status: 422,
    es: 'Captura al menos una cantidad contada antes de aplicar el conteo.',
    en: 'Enter at least one counted quantity before posting.',
  },
  LINES_DUPLICATE_SKU: {
    status: 422,
    es: 'El producto {skuId} aparece dos veces; júntalo en una sola línea.',
    en: 'SKU {skuId} appears twice; merge it into one line.',
  },
});
