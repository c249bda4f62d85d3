import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useAuth } from '../../app/auth';
import { API_BASE, api, get, post, qs } from '../../lib/api';
import { formatDate, formatDateTime, formatPhone } from '../../lib/format';
import { BusinessTextForm } from './BusinessTextForm';
import { useL } from './lang';
import { ErrorBox, Field, Loading, PageHeader } from './ui';

type Kind = 'access' | 'rectification' | 'cancellation' | 'opposition';
type Via = 'counter' | 'whatsapp' | 'online' | 'phone' | 'email' | 'other';

export interface PrivacyRequest {
  id: string;
  customerId: string;
  customer: { name: string; phone: string | null; email: string | null };
  kind: Kind;
  channel: Via;
  details: string | null;
  status: 'open' | 'done' | 'refused';
  receivedAt: string;
  dueOn: string;
  overdue: boolean;
  resolution: string | null;
  resolvedAt: string | null;
}

interface RequestList {
  items: PrivacyRequest[];
  openCount: number;
  overdueCount: number;
}

interface Erasure {
  erasedProfiles: string[];
  kept: { sales: number; invoices: number };
}

const KIND_LABEL: Record<Kind, [string, string]> = {
  access: ['Acceso (copia de sus datos)', 'Access (a copy of their data)'],
  rectification: ['Rectificación (corregir)', 'Rectification (correct)'],
  cancellation: ['Cancelación (eliminar)', 'Cancellation (erase)'],
  opposition: ['Oposición (dejar de usarlos)', 'Opposition (stop using them)'],
};

const VIA_LABEL: Record<Via, [string, string]> = {
  counter: ['En mostrador', 'At the counter'],
  whatsapp: ['WhatsApp', 'WhatsApp'],
  online: ['En línea', 'Online'],
  phone: ['Teléfono', 'Phone'],
  email: ['Correo', 'E-mail'],
  other: ['Otro (carta…)', 'Other (letter…)'],
};

const STATUS_LABEL: Record<PrivacyRequest['status'], [string, string]> = {
  open: ['Abierta', 'Open'],
  done: ['Atendida', 'Answered'],
  refused: ['Negada', 'Refused'],
};

/** The due date as people read it, e.g. 21/12/2026. */
const dueText = (date: string) => date.split('-').reverse().join('/');

function Due({ r }: { r: PrivacyRequest }) {
  const l = useL();
  if (r.status !== 'open') return <span className="muted">{dueText(r.dueOn)}</span>;
  return r.overdue ? (
    <span className="badge bad">
      {l('Vencida', 'Overdue')} · {dueText(r.dueOn)}
    </span>
  ) : (
    <span>{dueText(r.dueOn)}</span>
  );
}

/**
 * A customer's privacy rights on their card: the ARCO requests they made, recording a new one,
 * and for the owner a download of everything held about them and the erasure of their data.
 */
export function CustomerPrivacy({
  customer,
  onErased,
}: {
  customer: { id: string; name: string; erasedAt: string | null };
  onErased: (r: Erasure) => void;
}) {
  const l = useL();
  const qc = useQueryClient();
  const { user } = useAuth();
  const isOwner = user?.role === 'owner';
  const requests = useQuery({
    queryKey: ['privacy-requests', customer.id],
    queryFn: () =>
      get<RequestList>(`/privacy-requests${qs({ customerId: customer.id })}`).then((r) => r.items),
  });
  const [kind, setKind] = useState<Kind>('access');
  const [via, setVia] = useState<Via>('counter');
  const [details, setDetails] = useState('');
  const record = useMutation({
    mutationFn: () =>
      post('/privacy-requests', {
        customerId: customer.id,
        kind,
        channel: via,
        details: details || undefined,
      }),
    onSuccess: () => {
      setDetails('');
      void qc.invalidateQueries({ queryKey: ['privacy-requests'] });
    },
  });
  const openCancellation = (requests.data ?? []).find(
    (r) => r.kind === 'cancellation' && r.status === 'open',
  );
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const erase = useMutation({
    mutationFn: () =>
      post<Erasure>(`/customers/${customer.id}/erase`, {
        requestId: openCancellation?.id,
        reason: reason || undefined,
      }),
    onSuccess: (r) => {
      setConfirming(false);
      setReason('');
      void qc.invalidateQueries({ queryKey: ['customers'] });
      void qc.invalidateQueries({ queryKey: ['customer'] });
      void qc.invalidateQueries({ queryKey: ['privacy-requests'] });
      onErased(r);
    },
  });

  return (
    <div className="bo-privacy" data-testid="customer-privacy">
      <h3>{l('Privacidad (derechos ARCO)', 'Privacy (ARCO rights)')}</h3>
      {customer.erasedAt ? (
        <p className="small">
          {l(
            `Sus datos personales se eliminaron el ${formatDateTime(customer.erasedAt)}. Se conservan sus ventas y facturas, sin sus datos de contacto (obligación fiscal).`,
            `Their personal data was erased on ${formatDateTime(customer.erasedAt)}. Their sales and invoices are kept, without contact data (tax law).`,
          )}
        </p>
      ) : null}
      {requests.data?.length ? (
        <table className="lines compact">
          <tbody>
            {requests.data.map((r) => (
              <tr key={r.id}>
                <td>{formatDate(r.receivedAt)}</td>
                <td>{l(...KIND_LABEL[r.kind])}</td>
                <td>{l(...STATUS_LABEL[r.status])}</td>
                <td>
                  {l('Vence', 'Due')} <Due r={r} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {customer.erasedAt ? null : (
        <form
          className="bo-row"
          onSubmit={(e) => {
            e.preventDefault();
            record.mutate();
          }}
        >
          <Field label={l('Solicitud', 'Request')}>
            <select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
              {(Object.keys(KIND_LABEL) as Kind[]).map((k) => (
                <option key={k} value={k}>
                  {l(...KIND_LABEL[k])}
                </option>
              ))}
            </select>
          </Field>
          <Field label={l('Cómo llegó', 'Received by')}>
            <select value={via} onChange={(e) => setVia(e.target.value as Via)}>
              {(Object.keys(VIA_LABEL) as Via[]).map((k) => (
                <option key={k} value={k}>
                  {l(...VIA_LABEL[k])}
                </option>
              ))}
            </select>
          </Field>
          <Field label={l('Detalle', 'Details')}>
            <input value={details} maxLength={2000} onChange={(e) => setDetails(e.target.value)} />
          </Field>
          <button type="submit" className="button small" disabled={record.isPending}>
            {l('Registrar solicitud', 'Record request')}
          </button>
        </form>
      )}
      <ErrorBox error={record.error} />
      {isOwner ? (
        <div className="bo-row">
          <Link className="button small" to={`/admin/customers/${customer.id}/personal-data`}>
            {l('Ver e imprimir sus datos', 'See and print their data')}
          </Link>
          <a
            className="button small"
            href={`${API_BASE}/customers/${customer.id}/personal-data`}
            download={`datos-personales-${customer.id}.json`}
          >
            {l('Descargar sus datos (JSON)', 'Download their data (JSON)')}
          </a>
          {customer.erasedAt || confirming ? null : (
            <button type="button" className="button small danger" onClick={() => setConfirming(true)}>
              {l('Eliminar sus datos…', 'Erase their data…')}
            </button>
          )}
        </div>
      ) : null}
      {confirming ? (
        <div
          className="card bo-section bo-confirm"
          role="dialog"
          aria-label={l('Eliminar datos', 'Erase data')}
        >
          <p>
            {l(
              `Se borrarán el nombre, teléfono, correo, datos fiscales y notas de ${customer.name || 'este cliente'}, las direcciones de entrega de sus pedidos y las notas de sus ventas. Sus ventas y facturas se conservan sin esos datos (el SAT pide guardarlas 5 años). No se puede deshacer.`,
              `The name, phone, e-mail, tax data and notes of ${customer.name || 'this customer'}, the delivery addresses of their orders and the notes of their sales will be erased. Their sales and invoices stay without that data (kept 5 years for SAT). This cannot be undone.`,
            )}
          </p>
          {openCancellation ? (
            <p className="small">
              {l(
                `Atiende la solicitud de cancelación del ${formatDate(openCancellation.receivedAt)}.`,
                `Answers the cancellation request of ${formatDate(openCancellation.receivedAt)}.`,
              )}
            </p>
          ) : null}
          <Field label={l('Motivo (queda en la bitácora)', 'Reason (kept in the audit log)')} wide>
            <input value={reason} maxLength={2000} onChange={(e) => setReason(e.target.value)} />
          </Field>
          <ErrorBox error={erase.error} />
          <div className="bo-row">
            <button
              type="button"
              className="button danger"
              disabled={erase.isPending}
              onClick={() => erase.mutate()}
            >
              {l('Eliminar definitivamente', 'Erase for good')}
            </button>
            <button type="button" className="button" onClick={() => setConfirming(false)}>
              {l('No eliminar', 'Keep')}
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}

/** ARCO requests of the business: what is open, by due date, and closing them. */
export function PrivacyRequestsPage() {
  const l = useL();
  const qc = useQueryClient();
  const [onlyOpen, setOnlyOpen] = useState(true);
  const list = useQuery({
    queryKey: ['privacy-requests', 'all', onlyOpen],
    queryFn: () => get<RequestList>(`/privacy-requests${qs({ status: onlyOpen ? 'open' : undefined })}`),
  });
  const [refusing, setRefusing] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const resolve = useMutation({
    mutationFn: (v: { id: string; status: 'done' | 'refused'; resolution?: string }) =>
      post(`/privacy-requests/${v.id}/resolve`, { status: v.status, resolution: v.resolution }),
    onSuccess: () => {
      setRefusing(null);
      setReason('');
      void qc.invalidateQueries({ queryKey: ['privacy-requests'] });
    },
  });
  return (
    <div>
      <PageHeader title={l('Privacidad: solicitudes ARCO', 'Privacy: ARCO requests')}>
        <button
          type="button"
          className={`chip${onlyOpen ? ' on' : ''}`}
          onClick={() => setOnlyOpen(!onlyOpen)}
        >
          {l('Solo abiertas', 'Open only')}
        </button>
      </PageHeader>
      <section className="card bo-section">
        <p className="small muted">
          {l(
            'La ley (LFPDPPP) da 20 días hábiles para responder una solicitud de acceso, rectificación, cancelación u oposición. Regístralas en la ficha del cliente; la cancelación se atiende ahí con «Eliminar sus datos».',
            'The law (LFPDPPP) gives 20 business days to answer an access, rectification, cancellation or opposition request. Record them on the customer card; a cancellation is answered there with "Erase their data".',
          )}
        </p>
        {list.data ? (
          <p data-testid="privacy-counts">
            <strong>{list.data.openCount}</strong> {l('abiertas', 'open')} ·{' '}
            <strong>{list.data.overdueCount}</strong> {l('vencidas', 'overdue')}
          </p>
        ) : (
          <Loading />
        )}
        <ErrorBox error={list.error ?? resolve.error} />
        <table className="lines compact">
          <thead>
            <tr>
              <th>{l('Recibida', 'Received')}</th>
              <th>{l('Cliente', 'Customer')}</th>
              <th>{l('Solicitud', 'Request')}</th>
              <th>{l('Vence', 'Due')}</th>
              <th>{l('Estado', 'Status')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(list.data?.items ?? []).map((r) => (
              <tr key={r.id}>
                <td>
                  {formatDate(r.receivedAt)}
                  <div className="small muted">{l(...VIA_LABEL[r.channel])}</div>
                </td>
                <td>
                  <Link to={`/admin/customers${qs({ customer: r.customerId })}`}>
                    {r.customer.name ||
                      (r.customer.phone ? formatPhone(r.customer.phone) : null) ||
                      r.customer.email ||
                      l('(datos eliminados)', '(data erased)')}
                  </Link>
                </td>
                <td>
                  {l(...KIND_LABEL[r.kind])}
                  {r.details ? <div className="small muted">{r.details}</div> : null}
                </td>
                <td>
                  <Due r={r} />
                </td>
                <td>
                  {l(...STATUS_LABEL[r.status])}
                  {r.resolution ? <div className="small muted">{r.resolution}</div> : null}
                </td>
                <td>
                  {r.status !== 'open' ? null : refusing === r.id ? (
                    <form
                      className="bo-row"
                      onSubmit={(e) => {
                        e.preventDefault();
                        resolve.mutate({ id: r.id, status: 'refused', resolution: reason });
                      }}
                    >
                      <input
                        aria-label={l('Motivo de la negativa', 'Reason for refusing')}
                        value={reason}
                        required
                        onChange={(e) => setReason(e.target.value)}
                      />
                      <button type="submit" className="button small danger">
                        {l('Negar', 'Refuse')}
                      </button>
                    </form>
                  ) : (
                    <span className="bo-row">
                      {r.kind === 'access' ? (
                        <Link className="button small" to={`/admin/customers/${r.customerId}/personal-data`}>
                          {l('Ver sus datos', 'See their data')}
                        </Link>
                      ) : null}
                      {r.kind === 'cancellation' ? (
                        <Link
                          className="button small"
                          to={`/admin/customers${qs({ customer: r.customerId })}`}
                        >
                          {l('Atender en la ficha', 'Answer on the card')}
                        </Link>
                      ) : (
                        <button
                          type="button"
                          className="button small"
                          onClick={() => resolve.mutate({ id: r.id, status: 'done' })}
                        >
                          {l('Marcar atendida', 'Mark answered')}
                        </button>
                      )}
                      <button type="button" className="button small" onClick={() => setRefusing(r.id)}>
                        {l('Negar…', 'Refuse…')}
                      </button>
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}

/**
 * The privacy notice customers see (self-invoicing page, /privacidad/…): the owner's own text,
 * or, while empty, the default simplified notice built from the business's data (shown as the
 * placeholder).
 */
export function PrivacyNoticeForm({ canEdit }: { canEdit: boolean }) {
  const l = useL();
  const business = useQuery({ queryKey: ['business'], queryFn: () => get<{ id: string }>('/business') });
  const published = useQuery({
    queryKey: ['privacy-notice', business.data?.id],
    queryFn: () => get<{ text: string; custom: boolean }>(`/privacy-notice/${business.data?.id}`),
    enabled: !!business.data,
  });
  return (
    <BusinessTextForm
      field="privacyNotice"
      title={l('Aviso de privacidad', 'Privacy notice')}
      help={
        <>
          {l(
            'Lo ven tus clientes antes de dar sus datos para facturar. Si lo dejas vacío se publica un aviso simplificado con los datos de tu negocio.',
            'Customers see it before giving their data to invoice. Left empty, a simplified notice with your business data is published.',
          )}{' '}
          {business.data ? (
            <a href={`/privacidad/${business.data.id}`} target="_blank" rel="noreferrer">
              {l('Ver el aviso publicado', 'See the published notice')}
            </a>
          ) : null}
        </>
      }
      rows={8}
      maxLength={20_000}
      placeholder={published.data && !published.data.custom ? published.data.text : ''}
      canEdit={canEdit}
      resetLabel={l('Volver al aviso por defecto', 'Back to the default notice')}
      testId="privacy-notice-form"
    />
  );
}

/** How long the data of a customer who stopped coming is kept (the retention policy). */
export function RetentionForm({ canEdit }: { canEdit: boolean }) {
  const l = useL();
  const qc = useQueryClient();
  const business = useQuery({
    queryKey: ['business'],
    queryFn: () => get<{ customerRetentionYears: number | null }>('/business'),
  });
  const save = useMutation({
    mutationFn: (years: number | null) => api('PATCH', '/business', { customerRetentionYears: years }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['business'] }),
  });
  const value = business.data?.customerRetentionYears ?? null;
  return (
    <section className="card bo-section" data-testid="retention-form">
      <h2>{l('Conservación de datos de clientes', 'Customer data retention')}</h2>
      <Field
        label={l(
          'Borrar los datos personales de quien no compra en',
          'Erase the personal data of customers inactive for',
        )}
      >
        <select
          value={value === null ? '' : String(value)}
          disabled={!canEdit || save.isPending}
          onChange={(e) => save.mutate(e.target.value ? Number(e.target.value) : null)}
        >
          <option value="">
            {l('Nunca (solo cuando el cliente lo pida)', 'Never (only when the customer asks)')}
          </option>
          {[1, 2, 3, 5, 10].map((y) => (
            <option key={y} value={y}>
              {y} {y === 1 ? l('año', 'year') : l('años', 'years')}
            </option>
          ))}
        </select>
      </Field>
      <p className="small muted">
        {l(
          'Una vez al día se eliminan nombre, teléfono, correo, datos fiscales y notas de los clientes sin compras, pedidos, devoluciones ni facturas en ese plazo. Sus ventas y facturas se conservan; quien tenga un pedido en curso, saldo a favor o una deuda se conserva hasta que se cierre.',
          'Once a day, the name, phone, e-mail, tax data and notes of customers with no purchases, orders, returns or invoices in that time are erased. Their sales and invoices stay; anyone with an order in progress, store credit or a debt is kept until it closes.',
        )}
      </p>
      <ErrorBox error={save.error} />
    </section>
  );
}
