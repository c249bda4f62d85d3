/**
 * Spanish words for the English values the API uses (payment methods, channels, statuses,
 * actions). Details of an error keep the values as they are, for programs; a Spanish message
 * writes `{name:label}` to show the word instead (messageFor). A value without a word here is
 * shown as it is.
 */
export const LABELS_ES: Readonly<Record<string, string>> = {
  // payment methods
  cash: 'efectivo',
  card: 'tarjeta',
  spei: 'transferencia SPEI',
  codi: 'CoDi',
  dimo: 'DiMo',
  cheque: 'cheque',
  voucher: 'vales',
  store_credit: 'saldo a favor',
  on_account: 'crédito (a cuenta)',
  // channels
  counter: 'mostrador',
  whatsapp: 'WhatsApp',
  online: 'tienda en línea',
  storefront: 'tienda en línea propia',
  shopify: 'Shopify',
  woocommerce: 'WooCommerce',
  // statuses (orders: new … delivered; reservations, transfers, sale conflicts)
  new: 'nuevo',
  preparing: 'en preparación',
  ready: 'listo',
  out_for_delivery: 'en camino',
  delivered: 'entregado',
  active: 'activo',
  confirmed: 'confirmado',
  released: 'liberado',
  expired: 'vencido',
  draft: 'borrador',
  sent: 'enviado',
  received: 'recibido',
  cancelled: 'cancelado',
  open: 'abierto',
  recorded: 'registrada',
  voided: 'anulada',
  // actions
  send: 'enviar',
  receive: 'recibir',
  cancel: 'cancelar',
};
