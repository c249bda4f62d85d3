import type { zPersonalData } from '@server/modules/privacy/privacy.schemas.js';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import type { z } from 'zod';
import { API_BASE, get } from '../../lib/api';
import { formatDate, formatDateTime, formatMoney, formatPhone } from '../../lib/format';
import { CHANNEL_LABEL, type Channel, ORDER_STATUS_LABEL, pick, useL } from './lang';
import { ErrorBox, Loading, PageHeader } from './ui';

type PersonalData = z.output<typeof zPersonalData>;

const KIND: Record<string, [string, string]> = {
  access: ['Acceso', 'Access'],
  rectification: ['Rectificación', 'Rectification'],
  cancellation: ['Cancelación', 'Cancellation'],
  opposition: ['Oposición', 'Opposition'],
};

/**
 * Everything the business holds about a person, readable and printable: what an ARCO access
 * request is answered with (the same data as the JSON download, GET …/personal-data).
 */
export function PersonalDataPage() {
  const l = useL();
  const { customerId = '' } = useParams();
  const data = useQuery({
    queryKey: ['personal-data', customerId],
    queryFn: () => get<PersonalData>(`/customers/${customerId}/personal-data`),
  });
  const d = data.data;
  const dash = (v: string | null | undefined) => (v ? v : '—');
  return (
    <div>
      <PageHeader title={l('Datos personales de un cliente', "A customer's personal data")}>
        <Link className="button small" to={`/admin/customers?customer=${customerId}`}>
          {l('Volver a su ficha', 'Back to the record')}
        </Link>
        <a
          className="button small"
          href={`${API_BASE}/customers/${customerId}/personal-data`}
          download={`datos-personales-${customerId}.json`}
        >
          JSON
        </a>
        <button type="button" className="button small primary" onClick={() => window.print()}>
          {l('Imprimir', 'Print')}
        </button>
      </PageHeader>
      <ErrorBox error={data.error} />
      {!d ? (
        data.isLoading ? (
          <Loading />
        ) : null
      ) : (
        <article className="card bo-section print-area bo-personal-data" data-testid="personal-data">
          <h2>{l('Constancia de datos personales', 'Statement of personal data')}</h2>
          <p className="small">
            {l('Responsable', 'Controller')}: <strong>{d.business.legalName ?? d.business.name}</strong>
            {d.business.rfc ? ` (RFC ${d.business.rfc})` : ''} · {l('Emitida el', 'Issued on')}{' '}
            {formatDateTime(d.generatedAt)}
          </p>
          <h3>{l('Identificación y contacto', 'Identity and contact')}</h3>
          <table className="lines compact">
            <tbody>
              <tr>
                <th>{l('Nombre', 'Name')}</th>
                <td>{d.customer.erasedAt ? l('(eliminado)', '(erased)') : dash(d.customer.name)}</td>
              </tr>
              <tr>
                <th>{l('Teléfono', 'Phone')}</th>
                <td>{d.customer.phone ? formatPhone(d.customer.phone) : '—'}</td>
              </tr>
              <tr>
                <th>{l('Correo', 'E-mail')}</th>
                <td>{dash(d.customer.email)}</td>
              </tr>
              <tr>
                <th>{l('Datos fiscales', 'Tax data')}</th>
                <td>
                  {d.customer.rfc
                    ? [
                        d.customer.rfc,
                        d.customer.razonSocial,
                        d.customer.regimenFiscal,
                        d.customer.usoCfdi,
                        d.customer.codigoPostal,
                      ]
                        .filter(Boolean)
                        .join(' · ')
                    : '—'}
                </td>
              </tr>
              <tr>
                <th>{l('Notas', 'Notes')}</th>
                <td>{dash(d.customer.notes)}</td>
              </tr>
              <tr>
                <th>{l('Cliente desde', 'Customer since')}</th>
                <td>{formatDate(d.customer.createdAt)}</td>
              </tr>
              {d.mergedProfiles.length ? (
                <tr>
                  <th>{l('Otros registros unidos', 'Merged records')}</th>
                  <td>
                    {d.mergedProfiles
                      .map((p) =>
                        [p.name, p.phone && formatPhone(p.phone), p.email].filter(Boolean).join(' · '),
                      )
                      .join('; ')}
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
          <h3>{l('Promociones', 'Marketing')}</h3>
          <p className="small">
            {d.customer.marketingConsent.granted
              ? l('Acepta recibirlas.', 'Agrees to receive them.')
              : l('No las recibe.', 'Does not receive them.')}
          </p>
          {d.consents.length ? (
            <ul className="small">
              {d.consents.map((c) => (
                <li key={c.id}>
                  {formatDateTime(c.at)}:{' '}
                  {c.granted ? l('aceptó', 'agreed') : l('retiró su consentimiento', 'withdrew')} ({c.channel}
                  )
                </li>
              ))}
            </ul>
          ) : null}
          <h3>
            {l('Compras en tienda', 'Purchases in store')} ({d.sales.length})
          </h3>
          {d.sales.length ? (
            <table className="lines compact">
              <tbody>
                {d.sales.map((s) => (
                  <tr key={s.id}>
                    <td>{formatDateTime(s.createdAt)}</td>
                    <td>
                      {l('Ticket', 'Ticket')} {s.ticketNumber}
                    </td>
                    <td>{s.lines.map((x) => x.description).join(', ')}</td>
                    <td className="num">{formatMoney(s.total)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <h3>
            {l('Pedidos', 'Orders')} ({d.orders.length})
          </h3>
          {d.orders.length ? (
            <table className="lines compact">
              <tbody>
                {d.orders.map((o) => (
                  <tr key={o.id}>
                    <td>{formatDateTime(o.createdAt)}</td>
                    <td>
                      #{o.number} · {pick(l, CHANNEL_LABEL[o.channel as Channel], o.channel)} ·{' '}
                      {pick(l, ORDER_STATUS_LABEL[o.status], o.status)}
                    </td>
                    <td>{o.deliveryAddress ?? ''}</td>
                    <td className="num">{formatMoney(o.total)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {d.returns.length ? (
            <>
              <h3>
                {l('Devoluciones', 'Returns')} ({d.returns.length})
              </h3>
              <ul className="small">
                {d.returns.map((r) => (
                  <li key={r.id}>
                    {formatDateTime(r.createdAt)}: {formatMoney(r.refund.amount)}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <h3>
            {l('Facturas (CFDI)', 'Invoices (CFDI)')} ({d.invoices.length})
          </h3>
          {d.invoices.length ? (
            <table className="lines compact">
              <tbody>
                {d.invoices.map((i) => (
                  <tr key={i.id}>
                    <td>{formatDate(i.createdAt)}</td>
                    <td>
                      {i.serie}-{i.folio}
                    </td>
                    <td className="mono small">{i.uuid ?? ''}</td>
                    <td>
                      {i.receptor.rfc} {i.receptor.nombre}
                    </td>
                    <td className="num">{formatMoney(i.total)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <p className="small">
            {l('Saldo a favor', 'Store credit')}: {formatMoney(d.storeCredit.balance)}
          </p>
          {d.privacyRequests.length ? (
            <>
              <h3>{l('Solicitudes de derechos ARCO', 'ARCO requests')}</h3>
              <ul className="small">
                {d.privacyRequests.map((r) => (
                  <li key={r.id}>
                    {formatDate(r.receivedAt)}: {l(...(KIND[r.kind] ?? [r.kind, r.kind]))} —{' '}
                    {r.status === 'open'
                      ? l('en trámite', 'in progress')
                      : r.status === 'done'
                        ? l('atendida', 'answered')
                        : l('negada', 'refused')}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <h3>{l('Lo que la ley obliga a conservar', 'What the law requires keeping')}</h3>
          <ul className="small">
            {d.retainedByLaw.map((x) => (
              <li key={x}>{x}</li>
            ))}
          </ul>
        </article>
      )}
    </div>
  );
}
