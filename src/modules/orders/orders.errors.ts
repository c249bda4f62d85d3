import { defineErrors } from '../../shared/errors.js';

export const OrderErrors = defineErrors({
  ORDER_NOT_FOUND: { status: 404, es: 'No existe ese pedido.', en: 'No such order.' },
  ORDER_STATUS_TRANSITION_INVALID: {
    status: 409,
    es: 'El pedido está «{fromText}» y no puede pasar a «{toText}»; desde aquí puede pasar a: {allowedText}.',
    en: 'The order is "{from}" and cannot move to "{to}"; allowed from here: {allowedList}.',
  },
  ORDER_DELIVERY_ADDRESS_REQUIRED: {
    status: 422,
    es: 'Un pedido a domicilio necesita la dirección de entrega.',
    en: 'A delivery order needs a delivery address.',
  },
  ORDER_SKU_NOT_SELLABLE: {
    status: 422,
    es: 'El producto {sku} no está a la venta en el canal {channel:label}.',
    en: 'Product {sku} is not for sale on channel {channel}.',
  },
  ORDER_QUANTITY_NOT_WHOLE: {
    status: 422,
    es: 'El producto {sku} se vende por pieza: la cantidad {quantity} debe ser entera.',
    en: 'Product {sku} is sold by the piece: quantity {quantity} must be whole.',
  },
  ORDER_DISCOUNT_EXCEEDS_LINE: {
    status: 422,
    es: 'El descuento de {sku} ({discount}) es mayor que el importe de la línea ({gross}).',
    en: 'The discount on {sku} ({discount}) exceeds the line amount ({gross}).',
  },
  ORDER_LINE_SKU_REQUIRED: {
    status: 400,
    es: 'Cada línea necesita skuId o sku.',
    en: 'Each line needs skuId or sku.',
  },
  ORDER_ID_REUSED: {
    status: 409,
    es: 'Ya existe un pedido con el id {orderId} en otro canal o con otro id externo.',
    en: 'Order id {orderId} already exists on another channel or with another external id.',
  },
  ORDER_CANCELLED: {
    status: 409,
    es: 'El pedido {number} está cancelado.',
    en: 'Order {number} is cancelled.',
  },
  ORDER_ALREADY_SETTLED: {
    status: 409,
    es: 'El pedido {number} ya está liquidado ({paymentStatus}).',
    en: 'Order {number} is already settled ({paymentStatus}).',
  },
  ORDER_PAYMENT_EXCEEDS_BALANCE: {
    status: 422,
    es: 'El pago de {amount} es mayor que el saldo del pedido ({balance}).',
    en: 'The payment of {amount} exceeds the order balance ({balance}).',
  },
  ORDER_ON_ACCOUNT_NEEDS_CUSTOMER: {
    status: 422,
    es: 'Para dejar un pedido a crédito, asígnale un cliente.',
    en: 'An order on account needs a customer.',
  },
  ORDER_HAS_PAYMENTS: {
    status: 409,
    es: 'El pedido {number} tiene pagos por {paidTotal}: regístralo como devolución en lugar de cancelarlo.',
    en: 'Order {number} has payments of {paidTotal}: record a return instead of cancelling it.',
  },
  ORDER_RESERVATION_EXPIRED: {
    status: 409,
    es: 'El apartado de {sku} venció y ya no hay existencias suficientes (hay {available}, se piden {requested}).',
    en: 'The hold on {sku} expired and there is no longer enough stock ({available} available, {requested} requested).',
  },
});
