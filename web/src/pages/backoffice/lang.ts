import { getLocale, useT } from '../../lib/i18n';

/**
 * Back-office copy: es-MX first, English second, side by side where it is used. Re-renders with
 * the language switch (it subscribes through useT).
 */
export function useL(): (es: string, en: string) => string {
  useT();
  return (es, en) => (getLocale() === 'en' ? en : es);
}

export const CHANNELS = ['counter', 'whatsapp', 'shopify', 'woocommerce', 'storefront'] as const;
export type Channel = (typeof CHANNELS)[number];

export const CHANNEL_LABEL: Record<Channel, [string, string]> = {
  counter: ['Mostrador', 'Counter'],
  whatsapp: ['WhatsApp', 'WhatsApp'],
  shopify: ['Shopify', 'Shopify'],
  woocommerce: ['WooCommerce', 'WooCommerce'],
  storefront: ['Tienda en línea', 'Online store'],
};

export const REASON_LABEL: Record<string, [string, string]> = {
  defectuoso: ['Defectuoso', 'Defective'],
  no_le_quedo: ['No le quedó', "Didn't fit"],
  cambio: ['Cambio', 'Exchange'],
  error_cobro: ['Error de cobro', 'Charge error'],
  otro: ['Otro', 'Other'],
};

export const ROLE_LABEL: Record<string, [string, string]> = {
  owner: ['Dueño(a)', 'Owner'],
  manager: ['Encargado(a)', 'Manager'],
  cashier: ['Cajero(a)', 'Cashier'],
  agent: ['Agente de WhatsApp', 'WhatsApp agent'],
  kitchen: ['Cocina', 'Kitchen'],
};

/** What each role does, in one line (the users page shows it under the choice). */
export const ROLE_HELP: Record<string, [string, string]> = {
  owner: [
    'Todo: reportes, facturación, usuarios, integraciones, privacidad y bitácora.',
    'Everything: reports, invoicing, users, integrations, privacy and audit log.',
  ],
  manager: [
    'El back office sin usuarios, integraciones ni bitácora; también vende.',
    'The back office without users, integrations or audit log; also sells.',
  ],
  cashier: [
    'La caja: vender, devoluciones, cortes. No entra al back office.',
    'The till: sales, returns, cortes. No back office.',
  ],
  agent: [
    'Pedidos (tomarlos y moverlos), apartados y clientes.',
    'Orders (take and move them), reservations and customers.',
  ],
  kitchen: [
    'La cola de cocina y empaque: qué preparar, sin datos del cliente.',
    'The kitchen and packing queue: what to make, no customer data.',
  ],
};

export const ORDER_STATUS_LABEL: Record<string, [string, string]> = {
  new: ['Nuevos', 'New'],
  confirmed: ['Confirmados', 'Confirmed'],
  preparing: ['En preparación', 'Preparing'],
  ready: ['Listos', 'Ready'],
  out_for_delivery: ['En camino', 'Out for delivery'],
  delivered: ['Entregados', 'Delivered'],
  cancelled: ['Cancelados', 'Cancelled'],
};

export const MOVEMENT_REASON_LABEL: Record<string, [string, string]> = {
  receipt: ['Entrada', 'Receipt'],
  sale: ['Venta', 'Sale'],
  return: ['Devolución', 'Return'],
  adjustment: ['Ajuste', 'Adjustment'],
  transfer_out: ['Traspaso (salida)', 'Transfer out'],
  transfer_in: ['Traspaso (entrada)', 'Transfer in'],
  count: ['Conteo', 'Count'],
  reservation_confirm: ['Pedido surtido', 'Order fulfilled'],
  write_off: ['Merma', 'Write-off'],
};

export function pick(
  l: (es: string, en: string) => string,
  pair: [string, string] | undefined,
  fallback: string,
) {
  return pair ? l(pair[0], pair[1]) : fallback;
}
