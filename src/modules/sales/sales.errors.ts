import { defineErrors } from '../../shared/errors.js';

export const SalesErrors = defineErrors({
  SALE_NOT_FOUND: { status: 404, es: 'No existe esa venta.', en: 'No such sale.' },
  SALE_ID_REUSED: {
    status: 422,
    es: 'El folio de venta {saleId} ya se usó para una venta distinta.',
    en: 'Sale id {saleId} was already used for a different sale.',
  },
  QUANTITY_NOT_INTEGER: {
    status: 422,
    es: '{description} se vende por pieza: la cantidad debe ser un número entero.',
    en: '{description} is sold by the unit: the quantity must be a whole number.',
  },
  SKU_NOT_SELLABLE: {
    status: 422,
    es: '{description} no está a la venta en mostrador.',
    en: '{description} is not for sale at the counter.',
  },
  PRICE_OVERRIDE_FORBIDDEN: {
    status: 403,
    es: 'Solo un gerente puede cambiar el precio de un artículo.',
    en: 'Only a manager may change an item price.',
  },
  DISCOUNT_EXCEEDS_PRICE: {
    status: 422,
    es: 'El descuento es mayor que el importe.',
    en: 'The discount is larger than the amount.',
  },
  PAYMENTS_DO_NOT_COVER_TOTAL: {
    status: 422,
    es: 'Los pagos ({paid}) no cubren el total de la venta ({total}).',
    en: 'The payments ({paid}) do not cover the sale total ({total}).',
  },
  PAYMENTS_EXCEED_TOTAL: {
    status: 422,
    es: 'Los pagos menos el cambio ({paid}) superan el total de la venta ({total}).',
    en: 'The payments less the change ({paid}) exceed the sale total ({total}).',
  },
  CHANGE_EXCEEDS_CASH: {
    status: 422,
    es: 'El cambio ({change}) no puede ser mayor que el efectivo recibido ({cash}).',
    en: 'The change ({change}) cannot exceed the cash received ({cash}).',
  },
  NON_CASH_OVERPAYMENT: {
    status: 422,
    es: 'Los pagos que no son en efectivo ({nonCash}) superan el total ({total}); solo el efectivo da cambio.',
    en: 'Non-cash payments ({nonCash}) exceed the total ({total}); only cash gives change.',
  },
  CUSTOMER_REQUIRED: {
    status: 422,
    es: 'Para pagar con {method:label} la venta necesita un cliente.',
    en: 'Paying with {method} needs a customer on the sale.',
  },
  STORE_CREDIT_INSUFFICIENT: {
    status: 409,
    es: 'El saldo a favor del cliente ({balance}) no alcanza para {requested}.',
    en: 'The customer store credit ({balance}) does not cover {requested}.',
  },
  PRICE_CHANGED: {
    status: 409,
    es: 'Los precios cambiaron mientras cobrabas; vuelve a intentarlo.',
    en: 'Prices changed during checkout; try again.',
  },
  SALE_SOLD_AT_OUT_OF_RANGE: {
    status: 422,
    es: 'La venta se hizo hace más de 48 horas y ya no se registra sola; un gerente puede registrarla desde Ventas en conflicto.',
    en: 'The sale was made over 48 hours ago and is no longer recorded on its own; a manager may record it from the sale conflicts.',
  },
  PRICE_VERSION_UNKNOWN: {
    status: 422,
    es: 'El artículo {skuId} no tuvo nunca la versión de precio {version}.',
    en: 'SKU {skuId} never had price version {version}.',
  },
  PRICE_VERSION_EXPIRED: {
    status: 409,
    es: 'La caja cobró {description} con un precio que dejó de valer más de 48 horas antes de la venta; un gerente puede registrarla desde Ventas en conflicto.',
    en: 'The till charged {description} at a price that ended over 48 hours before the sale; a manager may record it from the sale conflicts.',
  },
  PARKED_TICKET_NOT_FOUND: {
    status: 404,
    es: 'Ese ticket en espera ya no existe (quizá otra caja lo retomó).',
    en: 'No such parked ticket (another register may have resumed it).',
  },
  RETURN_LINE_NOT_FOUND: {
    status: 422,
    es: 'La venta no tiene la línea {lineNo}.',
    en: 'The sale has no line {lineNo}.',
  },
  RETURN_EXCEEDS_SOLD: {
    status: 409,
    es: 'De la línea {lineNo} se vendieron {sold} y ya se devolvieron {returned}: no se pueden devolver {requested} más.',
    en: 'Line {lineNo}: {sold} sold and {returned} already returned; {requested} more cannot be returned.',
  },
});
