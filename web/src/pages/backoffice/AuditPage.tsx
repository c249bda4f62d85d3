import type { AuditEntry } from '@server/modules/events/events.service.js';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { get, qs } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { useL } from './lang';
import {
  type DateRange,
  DateRangePicker,
  ErrorBox,
  Field,
  Loading,
  lastDays,
  PageHeader,
  ShowMore,
} from './ui';

/** Areas of the business, as prefixes of the audited actions (GET /audit-log?actions=). */
const AREAS: { key: string; label: [string, string]; actions: string }[] = [
  {
    key: 'money',
    label: ['Ventas, devoluciones y caja', 'Sales, returns and cash'],
    actions: 'sale.,return.,cash.,sale_conflict.,account.',
  },
  { key: 'stock', label: ['Inventario', 'Stock'], actions: 'stock.' },
  { key: 'catalog', label: ['Productos y precios', 'Products and prices'], actions: 'product.,sku.' },
  { key: 'orders', label: ['Pedidos', 'Orders'], actions: 'order.' },
  { key: 'fiscal', label: ['Facturación', 'Invoicing'], actions: 'invoice.,fiscal.' },
  {
    key: 'people',
    label: ['Clientes y privacidad', 'Customers and privacy'],
    actions: 'customer.,privacy.,privacy_request.',
  },
  {
    key: 'access',
    label: ['Usuarios, accesos y configuración', 'Users, access and settings'],
    actions: 'user.,api_token.,business.,location.,register.,webhook.',
  },
];

const ACTION_LABEL: Record<string, [string, string]> = {
  'sale.completed': ['Venta', 'Sale'],
  'sale.priced_earlier': ['Venta al precio que tenía la caja', 'Sale at the till’s earlier price'],
  'return.recorded': ['Devolución', 'Return'],
  'cash.session_opened': ['Apertura de caja', 'Register opened'],
  'cash.session_merged': ['Apertura sin conexión unida', 'Offline opening merged'],
  'cash.session_closed': ['Corte Z', 'Register closed (Z)'],
  'cash.in': ['Entrada de efectivo', 'Cash in'],
  'cash.out': ['Salida de efectivo', 'Cash out'],
  'cash.refund': ['Reembolso en efectivo', 'Cash refund'],
  'account.payment_recorded': ['Abono a cuenta (fiado)', 'Payment on account'],
  'account.limit_set': ['Límite de crédito', 'Credit limit'],
  'account.opening_recorded': ['Saldo anterior pasado a la cuenta', 'Previous balance carried over'],
  'sale_conflict.recorded': ['Venta en conflicto', 'Sale conflict'],
  'sale_conflict.retried': ['Conflicto: venta registrada', 'Conflict: sale recorded'],
  'sale_conflict.voided': ['Conflicto: anulado', 'Conflict: voided'],
  'stock.received': ['Entrada de mercancía', 'Stock received'],
  'stock.adjusted': ['Ajuste o merma', 'Adjustment or write-off'],
  'stock.transfer_sent': ['Traspaso enviado', 'Transfer sent'],
  'stock.transfer_received': ['Traspaso recibido', 'Transfer received'],
  'stock.count_posted': ['Conteo aplicado', 'Count posted'],
  'product.created': ['Producto nuevo', 'Product created'],
  'product.updated': ['Producto modificado', 'Product changed'],
  'sku.created': ['Variante nueva', 'Variant created'],
  'sku.price_changed': ['Cambio de precio', 'Price changed'],
  'order.price_agreed': ['Pedido a precio acordado', 'Order at an agreed price'],
  'order.cancelled': ['Pedido cancelado', 'Order cancelled'],
  'order.payment_recorded': ['Pago de pedido', 'Order payment'],
  'invoice.issued': ['Factura emitida', 'Invoice issued'],
  'invoice.stamped': ['Factura timbrada', 'Invoice stamped'],
  'invoice.rejected': ['Factura rechazada por el PAC', 'Invoice rejected by the PAC'],
  'invoice.payment_recorded': ['Complemento de pago', 'Payment complement'],
  'invoice.cancellation_requested': ['Cancelación de factura solicitada', 'Invoice cancellation requested'],
  'invoice.cancellation_in_process': [
    'Cancelación en proceso (espera al receptor)',
    'Cancellation in process',
  ],
  'invoice.cancellation_rejected': ['Cancelación rechazada por el receptor', 'Cancellation rejected'],
  'invoice.cancelled': ['Factura cancelada', 'Invoice cancelled'],
  'invoice.abono_pagos_moved': [
    'Abono pendiente pasado a otra factura',
    'Pending abono moved to another invoice',
  ],
  'fiscal.profile_set': ['Datos fiscales del negocio', 'Business tax data'],
  'fiscal.csd_uploaded': ['CSD cargado', 'CSD uploaded'],
  'fiscal.series_created': ['Serie de facturas nueva', 'Invoice series created'],
  'fiscal.expedition_postal_code_set': ['Lugar de expedición', 'Place of issue'],
  'customer.fiscal_changed': ['Datos fiscales de cliente', 'Customer tax data'],
  'customer.merged': ['Clientes unidos', 'Customers merged'],
  'customer.consent_granted': ['Acepta promociones', 'Marketing consent granted'],
  'customer.consent_revoked': ['Retira consentimiento', 'Marketing consent withdrawn'],
  'customer.data_exported': ['Datos personales descargados', 'Personal data downloaded'],
  'customer.list_exported': ['Lista de clientes descargada', 'Customer list downloaded'],
  'customer.erased': ['Datos personales eliminados', 'Personal data erased'],
  'privacy.cancellation_applied': ['Cancelación ARCO aplicada', 'ARCO cancellation applied'],
  'privacy_request.recorded': ['Solicitud ARCO registrada', 'ARCO request recorded'],
  'privacy_request.resolved': ['Solicitud ARCO cerrada', 'ARCO request closed'],
  'user.created': ['Usuario nuevo', 'User created'],
  'user.updated': ['Usuario modificado', 'User changed'],
  'api_token.created': ['Token de API creado', 'API token created'],
  'api_token.revoked': ['Token de API revocado', 'API token revoked'],
  'business.updated': ['Configuración del negocio', 'Business settings'],
  'location.created': ['Sucursal nueva', 'Location created'],
  'register.created': ['Caja nueva', 'Register created'],
  'webhook.created': ['Webhook creado', 'Webhook created'],
  'webhook.deleted': ['Webhook borrado', 'Webhook deleted'],
  'webhook.delivery_retried': ['Webhook reintentado', 'Webhook retried'],
};

/** Names of the usual data fields, for people; others show as stored. */
const KEY_LABEL: Record<string, [string, string]> = {
  total: ['Total', 'Total'],
  ticketNumber: ['Ticket', 'Ticket'],
  number: ['Número', 'Number'],
  amount: ['Importe', 'Amount'],
  reason: ['Motivo', 'Reason'],
  note: ['Nota', 'Note'],
  method: ['Forma de pago', 'Method'],
  kind: ['Tipo', 'Kind'],
  channel: ['Medio', 'Channel'],
  status: ['Estado', 'Status'],
  lines: ['Líneas', 'Lines'],
  from: ['Antes', 'Before'],
  to: ['Después', 'After'],
  serie: ['Serie', 'Series'],
  folio: ['Folio', 'Folio'],
  uuid: ['UUID', 'UUID'],
  motivo: ['Motivo SAT', 'SAT reason'],
  difference: ['Diferencia', 'Difference'],
  countedCash: ['Contado', 'Counted'],
  expectedCash: ['Esperado', 'Expected'],
  openingFloat: ['Fondo', 'Float'],
  refundAmount: ['Reembolso', 'Refund'],
  refundMethod: ['Reembolso en', 'Refunded by'],
};

/** Ids (sale_01J…) and instants say nothing to a person reading the log: left out of the details. */
const NOISE = /^([a-z]+_[0-9A-HJKMNP-TV-Z]{26}|\d{4}-\d{2}-\d{2}T[\d:.]+Z)$/;

/** The data of an entry as short "key: value" pairs (values that are plain text, numbers or flags). */
function details(data: Record<string, unknown>, l: (es: string, en: string) => string): string {
  const name = (k: string) => (KEY_LABEL[k] ? l(...KEY_LABEL[k]!) : k);
  return Object.entries(data)
    .flatMap(([k, v]) => {
      if (v === null || v === undefined || v === '' || (typeof v === 'string' && NOISE.test(v))) return [];
      if (typeof v === 'object') {
        if (Array.isArray(v)) return v.length ? [`${name(k)}: ${v.length}`] : [];
        const inner = Object.entries(v as Record<string, unknown>)
          .filter(([, x]) => x !== null && typeof x !== 'object' && !(typeof x === 'string' && NOISE.test(x)))
          .map(([ik, x]) => `${ik} ${String(x)}`)
          .join(', ');
        return inner ? [`${name(k)}: ${inner}`] : [];
      }
      return [`${name(k)}: ${String(v)}`];
    })
    .join(' · ');
}

/** Bitácora: who did what to money, stock, fiscal documents and personal data (owner only). */
export function AuditPage() {
  const l = useL();
  const [area, setArea] = useState('');
  const [userId, setUserId] = useState('');
  const [range, setRange] = useState<DateRange>(lastDays(7));
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => get<{ items: { id: string; name: string }[] }>('/users').then((r) => r.items),
  });
  const names = new Map((users.data ?? []).map((u) => [u.id, u.name]));
  const actions = AREAS.find((a) => a.key === area)?.actions;
  const list = useInfiniteQuery({
    queryKey: ['audit-log', area, userId, range],
    initialPageParam: 0,
    queryFn: ({ pageParam }) =>
      get<{ items: AuditEntry[]; nextBefore: number | null }>(
        `/audit-log${qs({
          actions,
          userId: userId || undefined,
          from: range.from,
          to: range.to,
          limit: 100,
          before: pageParam || undefined,
        })}`,
      ),
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
  const entries = (list.data?.pages ?? []).flatMap((p) => p.items);
  return (
    <div>
      <PageHeader title={l('Bitácora', 'Audit log')} />
      <section className="card bo-section">
        <p className="small muted">
          {l(
            'Quién hizo qué con el dinero, el inventario, las facturas y los datos personales. Nadie, ni la dueña, puede modificar ni borrar estos registros.',
            'Who did what to money, stock, invoices and personal data. Nobody, not even the owner, can change or delete these records.',
          )}
        </p>
        <div className="bo-row">
          <Field label={l('Área', 'Area')}>
            <select value={area} onChange={(e) => setArea(e.target.value)}>
              <option value="">{l('Todas', 'All')}</option>
              {AREAS.map((a) => (
                <option key={a.key} value={a.key}>
                  {l(...a.label)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={l('Quién', 'Who')}>
            <select value={userId} onChange={(e) => setUserId(e.target.value)}>
              <option value="">{l('Todos', 'Everyone')}</option>
              {(users.data ?? []).map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <DateRangePicker value={range} onChange={setRange} />
        <ErrorBox error={list.error} />
        {list.isLoading ? <Loading /> : null}
        <table className="lines compact" data-testid="audit-table">
          <thead>
            <tr>
              <th>{l('Cuándo', 'When')}</th>
              <th>{l('Quién', 'Who')}</th>
              <th>{l('Qué', 'What')}</th>
              <th>{l('Detalle', 'Details')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td>{formatDateTime(e.createdAt)}</td>
                <td>{e.userId ? (names.get(e.userId) ?? e.userId) : l('Sistema', 'System')}</td>
                <td>{ACTION_LABEL[e.action] ? l(...ACTION_LABEL[e.action]!) : e.action}</td>
                <td className="small">{details(e.data, l)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.data && entries.length === 0 ? (
          <p className="muted">
            {l('Nada registrado con estos filtros.', 'Nothing recorded with these filters.')}
          </p>
        ) : null}
        <ShowMore query={list} />
      </section>
    </div>
  );
}
