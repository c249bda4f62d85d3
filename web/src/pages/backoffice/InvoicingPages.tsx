import { useInfiniteQuery, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, Navigate, NavLink, Outlet, useLocation, useNavigate, useParams } from 'react-router-dom';
import { ApiError, get, post, usePostOnce, qs } from '../../lib/api';
import { businessToday, formatDate, formatDateTime, formatMoney, parseMoneyInput } from '../../lib/format';
import {
  CANCEL_MOTIVES,
  CANCELLATION_FILTERS,
  FORMA_PAGO_LABEL,
  type FiscalSetup,
  folioOf,
  type Invoice,
  type InvoicePage,
  type InvoiceReturn,
  KIND_LABEL,
  METODO_PAGO_LABEL,
  PAYMENT_FORMAS,
  type PaymentResult,
  pdfUrl,
  type SaleDetail,
  satLabel,
  statusOf,
  xmlUrl,
} from './invoicing';
import { pick, REASON_LABEL, useL } from './lang';
import { ErrorBox, Field, Loading, PageHeader } from './ui';
import './invoicing.css';

export function useFiscalSetup() {
  return useQuery({ queryKey: ['fiscal-setup'], queryFn: () => get<FiscalSetup>('/invoicing/setup') });
}

export function StatusBadge({ inv }: { inv: Pick<Invoice, 'status' | 'cancelStatus'> }) {
  const l = useL();
  const s = statusOf(inv);
  return (
    <span className={`badge ${s.tone}`} data-testid="invoice-status">
      {l(...s.label)}
    </span>
  );
}

const TABS: { to: string; label: [string, string] }[] = [
  { to: '/admin/invoicing/invoices', label: ['Facturas', 'Invoices'] },
  { to: '/admin/invoicing/new', label: ['Facturar tickets', 'Invoice tickets'] },
  { to: '/admin/invoicing/global', label: ['Factura global', 'Global invoice'] },
  { to: '/admin/invoicing/pending', label: ['Pendientes de facturar', 'Not yet invoiced'] },
  { to: '/admin/invoicing/setup', label: ['Configuración fiscal', 'Fiscal setup'] },
];

/** Facturación: its tabs, and a reminder of what is missing before the first invoice. */
export function InvoicingLayout() {
  const l = useL();
  const { pathname } = useLocation();
  const setup = useFiscalSetup();
  const missing = setup.data
    ? [
        !setup.data.profile && l('los datos fiscales del negocio', 'the business fiscal data'),
        !setup.data.csd && l('el certificado de sello digital (CSD)', 'the digital seal certificate (CSD)'),
      ].filter((x): x is string => !!x)
    : [];
  return (
    <div>
      <nav className="bo-tabs" aria-label={l('Facturación', 'Invoicing')}>
        {TABS.map((t) => (
          <NavLink key={t.to} to={t.to}>
            {pick(l, t.label, t.to)}
          </NavLink>
        ))}
      </nav>
      {missing.length > 0 && !pathname.endsWith('/setup') ? (
        <p className="warn-box" data-testid="setup-missing">
          {l('Para facturar falta capturar ', 'Before invoicing, set up ')}
          {missing.join(l(' y ', ' and '))}.{' '}
          <Link to="/admin/invoicing/setup">{l('Ir a Configuración fiscal', 'Go to fiscal setup')}</Link>
        </p>
      ) : null}
      <Outlet />
    </div>
  );
}

export function InvoicingIndex() {
  return <Navigate to="/admin/invoicing/invoices" replace />;
}

/** Every CFDI issued, newest first, filtered by status, kind, cancellation and dates of issue. */
export function InvoicesPage() {
  const l = useL();
  const navigate = useNavigate();
  const [status, setStatus] = useState('');
  const [kind, setKind] = useState('');
  const [cancellation, setCancellation] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const filters = {
    status: status || undefined,
    kind: kind || undefined,
    cancellationStatus: cancellation || undefined,
    from: from || undefined,
    to: to || undefined,
  };
  const list = useInfiniteQuery({
    queryKey: ['invoices', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      get<InvoicePage>(`/invoicing/invoices${qs({ ...filters, limit: 30, after: pageParam })}`),
    getNextPageParam: (last) => last.next ?? undefined,
  });
  const filtered = Object.values(filters).some(Boolean);
  const invoices = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div>
      <PageHeader title={l('Facturas', 'Invoices')}>
        <Link className="button" to="/admin/invoicing/global">
          {l('Factura global', 'Global invoice')}
        </Link>
        <Link className="button primary" to="/admin/invoicing/new">
          {l('Facturar tickets', 'Invoice tickets')}
        </Link>
      </PageHeader>
      <div className="bo-filters">
        <label className="bo-inline">
          <span>{l('Estado', 'Status')}</span>
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{l('Todos', 'All')}</option>
            <option value="pending">{l('Pendientes de timbrar', 'Waiting to be stamped')}</option>
            <option value="stamped">
              {l('Timbradas (incluye canceladas)', 'Stamped (incl. cancelled)')}
            </option>
            <option value="rejected">{l('Rechazadas por el PAC', 'Rejected by the PAC')}</option>
          </select>
        </label>
        <label className="bo-inline">
          <span>{l('Tipo', 'Kind')}</span>
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">{l('Todos', 'All')}</option>
            {(Object.keys(KIND_LABEL) as (keyof typeof KIND_LABEL)[]).map((k) => (
              <option key={k} value={k}>
                {pick(l, KIND_LABEL[k], k)}
              </option>
            ))}
          </select>
        </label>
        <label className="bo-inline">
          <span>{l('Cancelación', 'Cancellation')}</span>
          <select value={cancellation} onChange={(e) => setCancellation(e.target.value)}>
            <option value="">{l('Todas', 'All')}</option>
            {CANCELLATION_FILTERS.map((c) => (
              <option key={c.id} value={c.id}>
                {l(...c.label)}
              </option>
            ))}
          </select>
        </label>
        <label className="bo-inline">
          <span>{l('Emitidas del', 'Issued from')}</span>
          <input
            type="date"
            value={from}
            max={to || undefined}
            onChange={(e) => setFrom(e.target.value)}
            data-testid="invoices-from"
          />
        </label>
        <label className="bo-inline">
          <span>{l('al', 'to')}</span>
          <input
            type="date"
            value={to}
            min={from || undefined}
            onChange={(e) => setTo(e.target.value)}
            data-testid="invoices-to"
          />
        </label>
        {from || to ? (
          <button
            type="button"
            className="chip"
            onClick={() => {
              setFrom('');
              setTo('');
            }}
          >
            {l('Todas las fechas', 'All dates')}
          </button>
        ) : null}
      </div>
      <ErrorBox error={list.error} />
      {list.isLoading ? <Loading /> : null}
      <div className="card bo-table-card">
        <table className="lines compact" data-testid="invoices-table">
          <thead>
            <tr>
              <th>{l('Fecha', 'Date')}</th>
              <th>{l('Folio', 'Folio')}</th>
              <th>{l('Tipo', 'Kind')}</th>
              <th>{l('Cliente (receptor)', 'Customer (receptor)')}</th>
              <th>{l('Folio fiscal (UUID)', 'Fiscal folio (UUID)')}</th>
              <th className="num">Total</th>
              <th>{l('Estado', 'Status')}</th>
            </tr>
          </thead>
          <tbody>
            {invoices.map((inv) => (
              <tr key={inv.id} onClick={() => navigate(`/admin/invoicing/invoices/${inv.id}`)}>
                <td>{formatDateTime(inv.fecha)}</td>
                <td>
                  <Link to={`/admin/invoicing/invoices/${inv.id}`}>{folioOf(inv)}</Link>
                </td>
                <td>{pick(l, KIND_LABEL[inv.kind], inv.kind)}</td>
                <td>
                  {inv.receptor.nombre}
                  <br />
                  <span className="muted small">{inv.receptor.rfc}</span>
                </td>
                <td className="uuid">{inv.uuid ?? '—'}</td>
                <td className="num">{formatMoney(inv.total)}</td>
                <td>
                  <StatusBadge inv={inv} />
                </td>
              </tr>
            ))}
            {!list.isLoading && invoices.length === 0 ? (
              <tr>
                <td colSpan={7} className="muted">
                  {filtered
                    ? l('No hay facturas con esos filtros.', 'No invoices match.')
                    : l(
                        'Todavía no hay facturas. Factura un ticket o emite la factura global del día.',
                        'No invoices yet. Invoice a ticket or issue the day’s global invoice.',
                      )}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {list.hasNextPage ? (
        <button
          type="button"
          className="button"
          onClick={() => void list.fetchNextPage()}
          disabled={list.isFetchingNextPage}
        >
          {l('Ver más', 'Load more')}
        </button>
      ) : null}
    </div>
  );
}

/** One CFDI: its data, downloads, retry, cancellation, payments (PPD) and credit notes. */
export function InvoiceDetailPage() {
  const l = useL();
  const { invoiceId = '' } = useParams();
  const qc = useQueryClient();
  const invoice = useQuery({
    queryKey: ['invoice', invoiceId],
    queryFn: () => get<Invoice>(`/invoicing/invoices/${invoiceId}`),
  });
  const refresh = useMutation({
    mutationFn: () => post<Invoice>(`/invoicing/invoices/${invoiceId}/refresh`),
    onSuccess: (inv) => {
      qc.setQueryData(['invoice', invoiceId], inv);
      void qc.invalidateQueries({ queryKey: ['invoices'] });
    },
  });
  if (invoice.isLoading) return <Loading />;
  if (!invoice.data) return <ErrorBox error={invoice.error} />;
  const inv = invoice.data;
  const live = inv.status === 'stamped' && inv.cancelStatus !== 'cancelled';
  const canCancel = inv.status === 'stamped' && (!inv.cancelStatus || inv.cancelStatus === 'rejected');
  const canAsk =
    inv.status === 'pending' || inv.cancelStatus === 'requested' || inv.cancelStatus === 'in_process';
  return (
    <div data-testid="invoice-detail">
      <PageHeader title={`${pick(l, KIND_LABEL[inv.kind], inv.kind)} ${folioOf(inv)}`}>
        <StatusBadge inv={inv} />
        <Link className="button" to="/admin/invoicing/invoices">
          {l('Regresar', 'Back')}
        </Link>
        <a className="button" href={xmlUrl(inv.id)} download data-testid="download-xml">
          {l('Descargar XML', 'Download XML')}
        </a>
        <a
          className="button"
          href={pdfUrl(inv.id)}
          target="_blank"
          rel="noreferrer"
          data-testid="download-pdf"
        >
          {l('Ver PDF', 'View PDF')}
        </a>
        {canAsk ? (
          <button
            type="button"
            className="button primary"
            onClick={() => refresh.mutate()}
            disabled={refresh.isPending}
          >
            {refresh.isPending
              ? l('Consultando…', 'Asking…')
              : inv.status === 'pending'
                ? l('Reintentar timbrado', 'Retry stamping')
                : l('Consultar cancelación', 'Check cancellation')}
          </button>
        ) : null}
      </PageHeader>
      <ErrorBox error={refresh.error} />
      <InvoiceNotice inv={inv} />
      <InvoiceFacts inv={inv} />
      {canCancel ? <CancelBox inv={inv} /> : null}
      {live && inv.metodoPago === 'PPD' && inv.kind === 'ingreso' ? <PaymentBox inv={inv} /> : null}
      {inv.kind === 'ingreso' || inv.kind === 'global' ? <CreditNotesBox inv={inv} /> : null}
    </div>
  );
}

/** What the status means and what to do about it, in a sentence. */
function InvoiceNotice({ inv }: { inv: Invoice }) {
  const l = useL();
  const pacMsg = inv.pacError?.message
    ? `${inv.pacError.code ? `${inv.pacError.code}: ` : ''}${inv.pacError.message}`
    : null;
  if (inv.status === 'pending')
    return (
      <p className="warn-box">
        {l(
          'El PAC todavía no timbra esta factura; se reintenta sola cada pocos minutos y nunca se timbra dos veces. Puedes reintentar ahora.',
          'The PAC has not stamped this invoice yet; it is retried automatically and never stamped twice. You can retry now.',
        )}
        {pacMsg ? ` ${l('Último error', 'Last error')}: ${pacMsg}` : ''}
      </p>
    );
  if (inv.status === 'rejected')
    return (
      <p className="error bo-error" role="alert">
        {l(
          'El PAC rechazó esta factura y no tiene validez. Sus tickets quedaron libres: corrige los datos y factúralos de nuevo.',
          'The PAC rejected this invoice; it has no fiscal value. Its tickets are free to be invoiced again.',
        )}
        {pacMsg ? ` ${pacMsg}` : ''}
      </p>
    );
  if (inv.cancelStatus === 'in_process')
    return (
      <p className="warn-box">
        {l(
          'El cliente debe aceptar la cancelación en su buzón tributario (tiene 3 días hábiles; si no responde, se cancela sola). Usa «Consultar cancelación» para ver si ya respondió.',
          'The customer must accept the cancellation in their SAT mailbox (3 business days; silence means yes). Use “Check cancellation”.',
        )}
      </p>
    );
  if (inv.cancelStatus === 'requested')
    return (
      <p className="warn-box">
        {l(
          'La cancelación se está enviando al PAC. Usa «Consultar cancelación» para ver la respuesta.',
          'The cancellation is being sent to the PAC. Use “Check cancellation” for the answer.',
        )}
      </p>
    );
  if (inv.cancelStatus === 'cancelled')
    return (
      <p className="info">
        {l('Cancelada ante el SAT con motivo ', 'Cancelled at SAT with motive ')}
        {inv.cancelMotivo ?? '—'}.{' '}
        {inv.kind === 'ingreso' || inv.kind === 'global'
          ? l(
              'Sus tickets vuelven a «Pendientes de facturar».',
              'Its tickets are back in “Not yet invoiced”.',
            )
          : ''}
      </p>
    );
  return null;
}

function InvoiceFacts({ inv }: { inv: Invoice }) {
  const l = useL();
  const shown = inv.saleIds.slice(0, 20);
  const sales = useQueries({
    queries: shown.map((id) => ({
      queryKey: ['sale', id],
      queryFn: () => get<SaleDetail>(`/sales/${id}`),
      staleTime: 60_000,
    })),
  });
  return (
    <section className="card bo-section">
      <dl className="bo-facts">
        <div className="wide">
          <dt>{l('Folio fiscal (UUID)', 'Fiscal folio (UUID)')}</dt>
          <dd className="uuid" data-testid="invoice-uuid">
            {inv.uuid ?? l('Sin timbrar todavía', 'Not stamped yet')}
          </dd>
        </div>
        <div>
          <dt>{l('Cliente (receptor)', 'Customer (receptor)')}</dt>
          <dd>
            {inv.receptor.nombre}
            <br />
            <span className="muted">RFC {inv.receptor.rfc}</span>
          </dd>
        </div>
        <div>
          <dt>{l('Fecha de emisión', 'Issued')}</dt>
          <dd>{formatDateTime(inv.fecha)}</dd>
        </div>
        <div>
          <dt>{l('Timbrada', 'Stamped')}</dt>
          <dd>{inv.stampedAt ? formatDateTime(inv.stampedAt) : '—'}</dd>
        </div>
        <div>
          <dt>{l('Método de pago', 'Payment method')}</dt>
          <dd>{satLabel(l, METODO_PAGO_LABEL, inv.metodoPago)}</dd>
        </div>
        <div>
          <dt>{l('Forma de pago', 'Payment form')}</dt>
          <dd>{satLabel(l, FORMA_PAGO_LABEL, inv.formaPago)}</dd>
        </div>
        <div>
          <dt>Subtotal</dt>
          <dd>{formatMoney(inv.subtotal)}</dd>
        </div>
        {inv.descuento ? (
          <div>
            <dt>{l('Descuento', 'Discount')}</dt>
            <dd>{formatMoney(inv.descuento)}</dd>
          </div>
        ) : null}
        <div>
          <dt>Total</dt>
          <dd className="strong" data-testid="invoice-total">
            {formatMoney(inv.total)}
          </dd>
        </div>
        {inv.metodoPago === 'PPD' && inv.balance !== null ? (
          <div>
            <dt>{l('Saldo por cobrar', 'Balance due')}</dt>
            <dd className="strong" data-testid="invoice-balance">
              {formatMoney(inv.balance)}
            </dd>
          </div>
        ) : null}
        {inv.relatedInvoiceId ? (
          <div>
            <dt>{l('Relacionada con', 'Related to')}</dt>
            <dd>
              <Link to={`/admin/invoicing/invoices/${inv.relatedInvoiceId}`}>
                {l('Ver factura relacionada', 'See related invoice')}
              </Link>
              {inv.tipoRelacion ? ` (${l('relación', 'relation')} ${inv.tipoRelacion})` : ''}
            </dd>
          </div>
        ) : null}
        {inv.saleIds.length > 0 ? (
          <div className="wide">
            <dt>
              {l('Tickets', 'Tickets')} ({inv.saleIds.length})
            </dt>
            <dd>
              {sales
                .map((s, i) =>
                  s.data
                    ? `#${s.data.ticketNumber} · ${formatDate(s.data.createdAt)} · ${formatMoney(s.data.total)}`
                    : (shown[i] ?? ''),
                )
                .join('  |  ')}
              {inv.saleIds.length > shown.length
                ? ` … ${l('y', 'and')} ${inv.saleIds.length - shown.length}`
                : ''}
            </dd>
          </div>
        ) : null}
        {inv.selfInvoiced ? (
          <div>
            <dt>{l('Origen', 'Source')}</dt>
            <dd>{l('El cliente se facturó en línea', 'Self-invoiced online')}</dd>
          </div>
        ) : null}
      </dl>
    </section>
  );
}

/** Cancellation with SAT's motive; 01 carries the UUID of the invoice that replaces this one. */
function CancelBox({ inv }: { inv: Invoice }) {
  const l = useL();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [motivo, setMotivo] = useState<'01' | '02' | '03' | '04' | ''>('');
  const [uuid, setUuid] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const cancel = useMutation({
    mutationFn: () =>
      post<Invoice>(`/invoicing/invoices/${inv.id}/cancel`, {
        motivo,
        ...(motivo === '01' ? { replacementUuid: uuid.trim() } : {}),
      }),
    onSuccess: (next) => {
      setErrors({});
      setOpen(false);
      qc.setQueryData(['invoice', inv.id], next);
      void qc.invalidateQueries({ queryKey: ['invoices'] });
      void qc.invalidateQueries({ queryKey: ['undocumented'] });
    },
    onError: (err) => {
      if (!(err instanceof ApiError)) return setErrors({});
      const out = err.fieldErrors();
      if (err.code === 'CANCEL_MOTIVO_INVALID') out.replacementUuid = err.message;
      setErrors(out);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    cancel.mutate();
  };
  if (!open)
    return (
      <section className="card bo-section">
        <div className="bo-chart-head">
          <h2>{l('Cancelar ante el SAT', 'Cancel at SAT')}</h2>
          <button type="button" className="button danger" onClick={() => setOpen(true)}>
            {l('Cancelar factura…', 'Cancel invoice…')}
          </button>
        </div>
      </section>
    );
  return (
    <form className="card bo-section" onSubmit={submit} noValidate data-testid="cancel-form">
      <h2>{l('¿Por qué se cancela?', 'Why is it cancelled?')}</h2>
      <p className="muted small">
        {l(
          'El SAT pide el motivo. Si el total pasa de $1,000.00 y no es a público en general, el cliente debe aceptar la cancelación.',
          'SAT asks for a motive. Above $1,000.00 (not público en general) the customer must accept it.',
        )}
      </p>
      <div className="bo-choices" role="radiogroup" aria-label={l('Motivo', 'Motive')}>
        {CANCEL_MOTIVES.map((m) => (
          <label key={m.id} className={`bo-choice${motivo === m.id ? ' on' : ''}`}>
            <input
              type="radio"
              name="motivo"
              value={m.id}
              checked={motivo === m.id}
              onChange={() => setMotivo(m.id)}
            />
            <strong>{l(...m.title)}</strong>
            <small>{l(...m.help)}</small>
          </label>
        ))}
      </div>
      {errors.motivo ? <p className="field-error">{errors.motivo}</p> : null}
      {motivo === '01' ? (
        <div className="bo-grid">
          <Field
            label={l('Folio fiscal (UUID) de la factura que la sustituye', 'UUID of the replacing invoice')}
            error={errors.replacementUuid}
            wide
          >
            <input
              value={uuid}
              onChange={(e) => setUuid(e.target.value)}
              placeholder="6F1E2C8A-0B3D-4E5F-8A9B-0C1D2E3F4A5B"
            />
          </Field>
        </div>
      ) : null}
      <ErrorBox error={Object.keys(errors).length ? null : cancel.error} />
      <div className="bo-row">
        <button type="submit" className="button primary danger" disabled={!motivo || cancel.isPending}>
          {cancel.isPending ? l('Enviando…', 'Sending…') : l('Solicitar cancelación', 'Request cancellation')}
        </button>
        <button type="button" className="button" onClick={() => setOpen(false)}>
          {l('No cancelar', 'Keep it')}
        </button>
      </div>
    </form>
  );
}

/** Money received later on a PPD invoice: each payment becomes a Pagos 2.0 CFDI. */
function PaymentBox({ inv }: { inv: Invoice }) {
  const l = useL();
  const qc = useQueryClient();
  const [form, setForm] = useState({ amount: '', formaPago: '03', date: businessToday(), numOperacion: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState<PaymentResult | null>(null);
  const related = useRelated(inv, 'pago');
  const postOnce = usePostOnce();
  const pay = useMutation({
    mutationFn: () => {
      const amount = parseMoneyInput(form.amount);
      if (!amount)
        throw new ApiError(400, 'LOCAL', l('Escribe el importe recibido.', 'Type the amount received.'));
      const paidAt =
        form.date && form.date !== businessToday()
          ? new Date(`${form.date}T12:00:00`).toISOString()
          : undefined;
      return postOnce<PaymentResult>(`/invoicing/invoices/${inv.id}/payments`, {
        amount,
        formaPago: form.formaPago,
        ...(paidAt ? { paidAt } : {}),
        ...(form.numOperacion.trim() ? { numOperacion: form.numOperacion.trim() } : {}),
      });
    },
    onSuccess: (r) => {
      setDone(r);
      setErrors({});
      setForm((f) => ({ ...f, amount: '', numOperacion: '' }));
      void qc.invalidateQueries({ queryKey: ['invoice', inv.id] });
      void qc.invalidateQueries({ queryKey: ['invoices'] });
    },
    onError: (err) => {
      if (!(err instanceof ApiError)) return setErrors({});
      const out = err.fieldErrors();
      if (err.code === 'LOCAL' || err.code === 'PAYMENT_EXCEEDS_BALANCE') out.amount = err.message;
      setErrors(out);
    },
  });
  const paidOff = inv.balance !== null && inv.balance === '0.00';
  return (
    <section className="card bo-section" data-testid="payment-box">
      <h2>{l('Pagos recibidos (complemento de pago)', 'Payments received (payment receipts)')}</h2>
      <p className="muted small">
        {l(
          'Esta factura es a crédito (PPD): cada vez que el cliente te pague, registra el pago aquí y se timbra su complemento de pago, como pide el SAT.',
          'This invoice is on credit (PPD): record each payment here and its payment receipt is stamped, as SAT requires.',
        )}
      </p>
      {related.length > 0 ? (
        <table className="lines compact">
          <tbody>
            {related.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link to={`/admin/invoicing/invoices/${p.id}`}>{folioOf(p)}</Link>
                </td>
                <td>{formatDateTime(p.fecha)}</td>
                <td className="num">{formatMoney(p.total)}</td>
                <td>
                  <StatusBadge inv={p} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {done ? (
        <p className="ok-box">
          {l('Parcialidad', 'Instalment')} {done.payment.numParcialidad}:{' '}
          {l('saldo anterior', 'previous balance')} {formatMoney(done.payment.saldoAnterior)},{' '}
          {l('saldo que queda', 'remaining')} {formatMoney(done.payment.saldoInsoluto)}.{' '}
          <Link to={`/admin/invoicing/invoices/${done.pago.id}`}>
            {l('Complemento', 'Receipt')} {folioOf(done.pago)}
          </Link>{' '}
          <StatusBadge inv={done.pago} />
        </p>
      ) : null}
      {paidOff ? (
        <p className="muted">
          {l('Esta factura ya está pagada por completo.', 'This invoice is fully paid.')}
        </p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            pay.mutate();
          }}
          noValidate
        >
          <div className="bo-grid">
            <Field label={l('Importe recibido', 'Amount received')} error={errors.amount}>
              <input
                inputMode="decimal"
                value={form.amount}
                placeholder={inv.balance ?? ''}
                onChange={(e) => setForm({ ...form, amount: e.target.value })}
              />
            </Field>
            <Field label={l('¿Cómo pagó?', 'Paid with')} error={errors.formaPago}>
              <select
                value={form.formaPago}
                onChange={(e) => setForm({ ...form, formaPago: e.target.value })}
              >
                {PAYMENT_FORMAS.map((f) => (
                  <option key={f} value={f}>
                    {satLabel(l, FORMA_PAGO_LABEL, f)}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={l('Fecha del pago', 'Payment date')} error={errors.paidAt}>
              <input
                type="date"
                value={form.date}
                max={businessToday()}
                onChange={(e) => setForm({ ...form, date: e.target.value })}
              />
            </Field>
            <Field
              label={l('Número de operación (opcional)', 'Operation number (optional)')}
              error={errors.numOperacion}
            >
              <input
                value={form.numOperacion}
                onChange={(e) => setForm({ ...form, numOperacion: e.target.value })}
              />
            </Field>
          </div>
          <ErrorBox error={Object.keys(errors).length ? null : pay.error} />
          <button type="submit" className="button primary" disabled={pay.isPending}>
            {pay.isPending ? l('Timbrando…', 'Stamping…') : l('Registrar pago', 'Record payment')}
          </button>
        </form>
      )}
    </section>
  );
}

/** Credit notes or payment receipts related to `inv` (the list's `relatedTo` filter), newest first. */
function useRelated(inv: Invoice, kind: 'egreso' | 'pago'): Invoice[] {
  const q = useQuery({
    queryKey: ['invoices', 'related', kind, inv.id],
    queryFn: () => get<InvoicePage>(`/invoicing/invoices${qs({ relatedTo: inv.id, kind, limit: 100 })}`),
  });
  return q.data?.items ?? [];
}

/**
 * Returns on this invoice's tickets, each with its credit note, the button to issue it, or why
 * it needs none (made before the invoice, so already left out of it). For a global invoice the
 * note goes to público en general, related with 01 by default (SAT's practice).
 */
function CreditNotesBox({ inv }: { inv: Invoice }) {
  const l = useL();
  const qc = useQueryClient();
  const notes = useRelated(inv, 'egreso');
  const global = inv.kind === 'global';
  const [tipo, setTipo] = useState<'03' | '01'>(global ? '01' : '03');
  const returns = useQuery({
    queryKey: ['invoice-returns', inv.id],
    queryFn: () =>
      get<{ items: InvoiceReturn[] }>(`/invoicing/invoices/${inv.id}/returns`).then((r) => r.items),
  });
  const issue = useMutation({
    mutationFn: (returnId: string) =>
      post<Invoice>('/invoicing/credit-notes', { returnId, tipoRelacion: tipo }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['invoices'] }),
  });
  const all = returns.data ?? [];
  const noteOf = new Map(notes.filter((n) => n.returnId).map((n) => [n.returnId!, n]));
  const canIssue = inv.status === 'stamped' && inv.cancelStatus !== 'cancelled';
  return (
    <section className="card bo-section" data-testid="credit-notes">
      <h2>{l('Devoluciones y notas de crédito', 'Returns and credit notes')}</h2>
      {global ? (
        <p className="muted small">
          {l(
            'La nota de crédito de un ticket de la factura global se emite a público en general (XAXX010101000) con el periodo de la global.',
            'The credit note for a ticket in the global invoice goes to the general public (XAXX010101000) with the global’s period.',
          )}
        </p>
      ) : null}
      {returns.isLoading ? <Loading /> : null}
      <ErrorBox error={returns.error} />
      {returns.isSuccess && all.length === 0 ? (
        <p className="muted">
          {l(
            'Los tickets de esta factura no tienen devoluciones. Cuando registres una en la terminal, aquí emites su nota de crédito.',
            'No returns on these tickets. When one is recorded at the terminal, issue its credit note here.',
          )}
        </p>
      ) : null}
      {all.length > 0 ? (
        <>
          {canIssue && all.some((r) => !r.netted && !noteOf.has(r.id)) ? (
            <label className="bo-inline">
              <span>{l('Tipo de relación', 'Relation type')}</span>
              <select value={tipo} onChange={(e) => setTipo(e.target.value as '03' | '01')}>
                <option value="03">{l('03 · Devolución de mercancía', '03 · Goods returned')}</option>
                <option value="01">
                  {l('01 · Nota de crédito (descuento o bonificación)', '01 · Credit note')}
                </option>
              </select>
            </label>
          ) : null}
          <table className="lines compact">
            <thead>
              <tr>
                <th>{l('Fecha', 'Date')}</th>
                <th>{l('Ticket', 'Ticket')}</th>
                <th>{l('Motivo', 'Reason')}</th>
                <th>{l('Artículos', 'Items')}</th>
                <th className="num">{l('Reembolso', 'Refund')}</th>
                <th>{l('Nota de crédito', 'Credit note')}</th>
              </tr>
            </thead>
            <tbody>
              {all.map((r) => {
                const note = noteOf.get(r.id);
                return (
                  <tr key={r.id}>
                    <td>{formatDateTime(r.createdAt)}</td>
                    <td>#{r.ticketNumber}</td>
                    <td>{pick(l, REASON_LABEL[r.reason], r.reason)}</td>
                    <td>
                      {r.lines.map((x) => `${x.quantity.replace(/\.0+$/, '')} × ${x.description}`).join(', ')}
                    </td>
                    <td className="num">{formatMoney(r.refund.amount)}</td>
                    <td>
                      {note ? (
                        <>
                          <Link to={`/admin/invoicing/invoices/${note.id}`}>{folioOf(note)}</Link>{' '}
                          <StatusBadge inv={note} />
                        </>
                      ) : r.netted ? (
                        <span className="muted small">
                          {l(
                            'No lleva: se devolvió antes de facturar y la factura ya no lo incluye',
                            'None needed: returned before invoicing, the invoice leaves it out',
                          )}
                        </span>
                      ) : canIssue ? (
                        <button
                          type="button"
                          className="button small"
                          disabled={issue.isPending}
                          onClick={() => issue.mutate(r.id)}
                        >
                          {l('Emitir nota de crédito', 'Issue credit note')}
                        </button>
                      ) : (
                        '—'
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      ) : null}
      <ErrorBox error={issue.error} />
    </section>
  );
}
