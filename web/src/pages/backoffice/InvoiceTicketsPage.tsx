import { D } from '@server/shared/money.js';
import { paymentTermsOf } from '@server/modules/invoicing/payment-terms.js';
import { useMutation, useQueries, useQuery } from '@tanstack/react-query';
import { type FormEvent, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError, get, post, qs } from '../../lib/api';
import { formatDateTime, formatMoney } from '../../lib/format';
import { paymentMethodName } from '../../lib/payment-methods';
import { fieldOf, personaOf, type ReceptorOptions, receptorOptions } from '../facturar/api';
import { StatusBadge } from './InvoicingPages';
import {
  type CustomerRow,
  FORMA_PAGO_LABEL,
  folioOf,
  type Invoice,
  METODO_PAGO_LABEL,
  pdfUrl,
  type SaleDetail,
  type SaleSummary,
  satLabel,
  type Undocumented,
  xmlUrl,
} from './invoicing';
import { CHANNEL_LABEL, type Channel, pick, useL } from './lang';
import type { Page } from './types';
import {
  type DateRange,
  DateRangePicker,
  ErrorBox,
  Field,
  LocationSelect,
  lastDays,
  PageHeader,
  SatSelect,
} from './ui';

interface ReceptorForm {
  rfc: string;
  nombre: string;
  regimenFiscal: string;
  codigoPostal: string;
  usoCfdi: string;
}

function missingOf(c: CustomerRow, l: (es: string, en: string) => string): string[] {
  return [
    !c.rfc && 'RFC',
    !c.razonSocial && l('razón social', 'legal name'),
    !c.regimenFiscal && l('régimen fiscal', 'tax regime'),
    !c.codigoPostal && l('código postal', 'postal code'),
  ].filter((x): x is string => !!x);
}

/**
 * Facturar tickets: pick one or several tickets (by number or date), the customer with fiscal
 * data or the receptor typed in, the uso del CFDI; the invoice is stamped at once when the PAC
 * answers, or stays pending and visible.
 */
export function InvoiceTicketsPage() {
  const l = useL();
  const [range, setRange] = useState<DateRange>(lastDays(7));
  const [ticketText, setTicketText] = useState('');
  const [locationId, setLocationId] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [mode, setMode] = useState<'customer' | 'typed'>('customer');
  const [customerQ, setCustomerQ] = useState('');
  const [customer, setCustomer] = useState<CustomerRow | null>(null);
  const [receptor, setReceptor] = useState<ReceptorForm>({
    rfc: '',
    nombre: '',
    regimenFiscal: '',
    codigoPostal: '',
    usoCfdi: '',
  });
  const [uso, setUso] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [result, setResult] = useState<Invoice | null>(null);

  const ticketNumber = /^\d+$/.test(ticketText.trim()) ? Number(ticketText.trim()) : undefined;
  const where = { from: range.from, to: range.to, locationId: locationId || undefined };
  const sales = useQuery({
    queryKey: ['sales-to-invoice', where, ticketNumber],
    queryFn: () => get<Page<SaleSummary>>(`/sales${qs({ ...where, ticketNumber, limit: 100 })}`),
  });
  const pending = useQuery({
    queryKey: ['undocumented', where],
    queryFn: () => get<Undocumented>(`/invoicing/reports/undocumented-sales${qs(where)}`),
  });
  const open = new Set((pending.data?.sales ?? []).map((s) => s.saleId));
  const details = useQueries({
    queries: picked.map((id) => ({
      queryKey: ['sale', id],
      queryFn: () => get<SaleDetail>(`/sales/${id}`),
      staleTime: 60_000,
    })),
  });
  const pickedSales = details.map((d) => d.data).filter((s): s is SaleDetail => !!s);
  const terms =
    pickedSales.length === picked.length && picked.length > 0 ? paymentTermsOf(pickedSales) : null;
  const pickedTotal = pickedSales.reduce((acc, s) => acc.plus(s.total), new D(0)).toFixed(2);

  const customers = useQuery({
    queryKey: ['customers', 'invoice', customerQ],
    queryFn: () => get<Page<CustomerRow>>(`/customers${qs({ q: customerQ.trim(), limit: 8 })}`),
    enabled: mode === 'customer' && customerQ.trim().length >= 2,
  });
  const options = useQuery({
    queryKey: ['receptor-options'],
    queryFn: receptorOptions,
    staleTime: 3_600_000,
  });

  const persona = personaOf(mode === 'customer' ? (customer?.rfc ?? '') : receptor.rfc);
  const regimen = mode === 'customer' ? (customer?.regimenFiscal ?? '') : receptor.regimenFiscal;
  const regimenes = useMemo(
    () => (options.data?.regimenes ?? []).filter((r) => !persona || r[persona]),
    [options.data, persona],
  );
  const usos = useMemo(() => usosFor(options.data, persona, regimen), [options.data, persona, regimen]);
  const usoValue = mode === 'customer' ? uso || customer?.usoCfdi || '' : receptor.usoCfdi;

  const create = useMutation({
    mutationFn: () => {
      const body =
        mode === 'customer'
          ? { saleIds: picked, customerId: customer?.id, ...(uso ? { usoCfdi: uso } : {}) }
          : {
              saleIds: picked,
              receptor: {
                rfc: receptor.rfc.trim().toUpperCase(),
                nombre: receptor.nombre.trim(),
                regimenFiscal: receptor.regimenFiscal,
                codigoPostal: receptor.codigoPostal.trim(),
                usoCfdi: receptor.usoCfdi,
              },
            };
      return post<Invoice>('/invoicing/invoices', body, { timeoutMs: 60_000 });
    },
    onSuccess: (inv) => {
      setResult(inv);
      setErrors({});
      setPicked([]);
      void pending.refetch();
    },
    onError: (err) => {
      setResult(null);
      if (!(err instanceof ApiError)) return setErrors({});
      const byField = fieldOf(err) as Record<string, string | undefined>;
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(byField)) if (v) out[k] = v;
      // Picking a customer shows no receptor fields: their messages go above the button.
      if (mode === 'customer')
        for (const k of ['rfc', 'nombre', 'regimenFiscal', 'codigoPostal', 'code', 'total'])
          if (out[k]) {
            out.form = out[k]!;
            delete out[k];
          }
      setErrors(out);
    },
  });

  const toggle = (id: string) => {
    setResult(null);
    setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));
  };
  const setR = <K extends keyof ReceptorForm>(k: K, v: ReceptorForm[K]) => {
    setReceptor((r) => ({ ...r, [k]: v }));
    setErrors((e) => ({ ...e, [k]: '', form: '' }));
  };
  const missing = customer ? missingOf(customer, l) : [];
  const ready =
    picked.length > 0 &&
    (mode === 'customer'
      ? !!customer && missing.length === 0 && !!usoValue
      : !!receptor.rfc && !!receptor.nombre && !!receptor.regimenFiscal && !!receptor.usoCfdi);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };

  return (
    <form onSubmit={submit} noValidate>
      <PageHeader title={l('Facturar tickets', 'Invoice tickets')} />
      <section className="card bo-section">
        <h2>{l('1. Elige los tickets', '1. Pick the tickets')}</h2>
        <div className="bo-filters">
          <DateRangePicker value={range} onChange={setRange} />
          <label className="bo-inline">
            <span>{l('Ticket núm.', 'Ticket no.')}</span>
            <input
              className="qty"
              inputMode="numeric"
              value={ticketText}
              onChange={(e) => setTicketText(e.target.value)}
              aria-label={l('Número de ticket', 'Ticket number')}
            />
          </label>
          <LocationSelect value={locationId} onChange={setLocationId} />
        </div>
        <ErrorBox error={sales.error ?? pending.error} />
        <div className="bo-scroll">
          <table className="lines compact" data-testid="tickets-table">
            <thead>
              <tr>
                <th />
                <th>{l('Ticket', 'Ticket')}</th>
                <th>{l('Fecha', 'Date')}</th>
                <th>{l('Canal', 'Channel')}</th>
                <th className="num">Total</th>
                <th>{l('Factura', 'Invoice')}</th>
              </tr>
            </thead>
            <tbody>
              {(sales.data?.items ?? []).map((s) => {
                const free = open.has(s.id);
                return (
                  <tr key={s.id} className={picked.includes(s.id) ? 'selected' : free ? '' : 'inactive'}>
                    <td className="check">
                      <input
                        type="checkbox"
                        aria-label={`${l('Ticket', 'Ticket')} ${s.ticketNumber}`}
                        checked={picked.includes(s.id)}
                        disabled={!free && !picked.includes(s.id)}
                        onChange={() => toggle(s.id)}
                      />
                    </td>
                    <td>#{s.ticketNumber}</td>
                    <td>{formatDateTime(s.createdAt)}</td>
                    <td>{pick(l, CHANNEL_LABEL[s.channel as Channel], s.channel)}</td>
                    <td className="num">{formatMoney(s.total)}</td>
                    <td>
                      {free ? (
                        <span className="muted">{l('Sin facturar', 'Not invoiced')}</span>
                      ) : (
                        <span
                          className="badge off"
                          title={l('o se devolvió completo', 'or it was returned in full')}
                        >
                          {l('Ya facturado', 'Already invoiced')}
                        </span>
                      )}
                    </td>
                  </tr>
                );
              })}
              {sales.data && sales.data.items.length === 0 ? (
                <tr>
                  <td colSpan={6} className="muted">
                    {l('No hay tickets con esos datos en esas fechas.', 'No tickets match in those dates.')}
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
        {errors.saleIds ? <p className="field-error">{errors.saleIds}</p> : null}
        <p className="small" data-testid="picked-summary">
          {picked.length === 0
            ? l(
                'Marca uno o varios tickets del mismo cliente; salen en una sola factura.',
                'Tick one or more tickets of the same customer; they go in one invoice.',
              )
            : `${picked.length} ${picked.length === 1 ? l('ticket', 'ticket') : l('tickets', 'tickets')} · ${formatMoney(pickedTotal)}`}
        </p>
      </section>

      <section className="card bo-section">
        <h2>{l('2. ¿A quién se factura?', '2. Who is it for?')}</h2>
        <div className="bo-row bo-mode" role="radiogroup" aria-label={l('Receptor', 'Receptor')}>
          <label className={`chip${mode === 'customer' ? ' on' : ''}`}>
            <input
              type="radio"
              name="mode"
              checked={mode === 'customer'}
              onChange={() => setMode('customer')}
            />{' '}
            {l('Un cliente registrado', 'A registered customer')}
          </label>
          <label className={`chip${mode === 'typed' ? ' on' : ''}`}>
            <input type="radio" name="mode" checked={mode === 'typed'} onChange={() => setMode('typed')} />{' '}
            {l('Escribir sus datos fiscales', 'Type the fiscal data')}
          </label>
        </div>
        {mode === 'customer' ? (
          <div className="bo-two" style={{ marginTop: '0.75rem' }}>
            <div>
              <input
                type="search"
                placeholder={l('Buscar cliente por nombre, teléfono o correo…', 'Search customer…')}
                aria-label={l('Buscar cliente', 'Search customer')}
                value={customerQ}
                onChange={(e) => setCustomerQ(e.target.value)}
                style={{ width: '100%' }}
              />
              <ErrorBox error={customers.error} />
              <table className="lines compact" data-testid="customer-results">
                <tbody>
                  {(customers.data?.items ?? []).map((c) => (
                    <tr
                      key={c.id}
                      className={c.id === customer?.id ? 'selected' : ''}
                      onClick={() => {
                        setCustomer(c);
                        setUso('');
                        setErrors({});
                      }}
                    >
                      <td>{c.name}</td>
                      <td>{c.rfc ?? <span className="muted">{l('sin RFC', 'no RFC')}</span>}</td>
                      <td>
                        <button type="button" className="button small">
                          {l('Elegir', 'Pick')}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div data-testid="customer-fiscal">
              {customer ? (
                <>
                  <strong>{customer.razonSocial ?? customer.name}</strong>
                  <p className="small">
                    {[
                      customer.rfc && `RFC ${customer.rfc}`,
                      customer.regimenFiscal && `${l('Régimen', 'Regime')} ${customer.regimenFiscal}`,
                      customer.codigoPostal && `C.P. ${customer.codigoPostal}`,
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </p>
                  {missing.length > 0 ? (
                    <p className="warn-box">
                      {l('A este cliente le falta: ', 'This customer lacks: ')}
                      {missing.join(', ')}.{' '}
                      {l(
                        'Elige «Escribir sus datos fiscales» y cópialos de su constancia.',
                        'Choose “Type the fiscal data” and copy them from their certificate.',
                      )}
                    </p>
                  ) : null}
                </>
              ) : (
                <p className="muted">
                  {l(
                    'Busca y elige al cliente; sus datos fiscales salen de su ficha.',
                    'Search and pick the customer; the fiscal data come from their record.',
                  )}
                </p>
              )}
            </div>
          </div>
        ) : (
          <div className="bo-grid" style={{ marginTop: '0.75rem' }}>
            <Field label="RFC" error={errors.rfc}>
              <input
                value={receptor.rfc}
                onChange={(e) => setR('rfc', e.target.value.toUpperCase())}
                maxLength={13}
                autoComplete="off"
              />
            </Field>
            <Field
              label={l('Nombre o razón social (como en su constancia)', 'Name (as in the certificate)')}
              error={errors.nombre}
              wide
            >
              <input value={receptor.nombre} onChange={(e) => setR('nombre', e.target.value.toUpperCase())} />
            </Field>
            <Field label={l('Régimen fiscal', 'Tax regime')} error={errors.regimenFiscal}>
              <SatSelect
                value={receptor.regimenFiscal}
                options={regimenes}
                empty={l('Elige…', 'Choose…')}
                onChange={(v) => setR('regimenFiscal', v)}
              />
            </Field>
            <Field label={l('Código postal fiscal', 'Fiscal postal code')} error={errors.codigoPostal}>
              <input
                inputMode="numeric"
                maxLength={5}
                value={receptor.codigoPostal}
                onChange={(e) => setR('codigoPostal', e.target.value)}
              />
            </Field>
          </div>
        )}
      </section>

      <section className="card bo-section">
        <h2>{l('3. Uso del CFDI y forma de pago', '3. CFDI use and payment')}</h2>
        <div className="bo-grid">
          <Field label={l('Uso del CFDI', 'CFDI use')} error={errors.usoCfdi}>
            <SatSelect
              value={usoValue}
              options={usos}
              empty={l('Elige…', 'Choose…')}
              onChange={(v) => (mode === 'customer' ? setUso(v) : setR('usoCfdi', v))}
            />
          </Field>
          <div className="bo-field">
            <span>{l('Forma de pago', 'Payment form')}</span>
            <strong data-testid="forma-pago">
              {terms ? satLabel(l, FORMA_PAGO_LABEL, terms.formaPago) : '—'}
            </strong>
          </div>
          <div className="bo-field">
            <span>{l('Método de pago', 'Payment method')}</span>
            <strong>{terms ? satLabel(l, METODO_PAGO_LABEL, terms.metodoPago) : '—'}</strong>
          </div>
        </div>
        <p className="muted small">
          {l(
            'La forma y el método de pago salen de cómo se cobraron los tickets: la forma con la que se pagó más dinero, en una sola exhibición (PUE). Si quedó algo a crédito, la factura es PPD con forma 99 y los pagos se registran después en la factura.',
            'Payment form and method come from how the tickets were paid: the form that paid the most, PUE. Anything on account makes it PPD with 99; payments are recorded later on the invoice.',
          )}
          {pickedSales.length > 0
            ? ` ${l('Cobrado con', 'Paid with')}: ${pickedSales
                .flatMap((s) => s.payments.filter((p) => p.kind === 'payment'))
                .map((p) => `${paymentMethodName(p.method)} ${formatMoney(p.amount)}`)
                .join(', ')}.`
            : ''}
        </p>
        {errors.form ? (
          <p className="error bo-error" role="alert">
            {errors.form}
          </p>
        ) : null}
        {!(create.error instanceof ApiError) ? <ErrorBox error={create.error} /> : null}
        <button type="submit" className="button primary" disabled={!ready || create.isPending}>
          {create.isPending
            ? l('Timbrando…', 'Stamping…')
            : picked.length > 0
              ? `${l('Facturar', 'Invoice')} ${formatMoney(pickedTotal)}`
              : l('Facturar', 'Invoice')}
        </button>
      </section>

      {result ? <InvoiceResult inv={result} /> : null}
    </form>
  );
}

/** Usos del CFDI SAT allows for the persona (RFC length) and régimen. */
export function usosFor(
  options: ReceptorOptions | undefined,
  persona: 'fisica' | 'moral' | null,
  regimen: string,
) {
  return (options?.usos ?? []).filter(
    (u) => (!persona || u[persona]) && (!regimen || u.regimenes.includes(regimen)),
  );
}

/** What came back from issuing: stamped with its UUID, or pending/rejected with why. */
export function InvoiceResult({ inv }: { inv: Invoice }) {
  const l = useL();
  const tone = inv.status === 'stamped' ? '' : inv.status === 'pending' ? ' pending' : ' bad';
  return (
    <section className={`card bo-section bo-result${tone}`} data-testid="invoice-result">
      <div className="bo-chart-head">
        <h2>
          {inv.status === 'stamped'
            ? l('Factura timbrada', 'Invoice stamped')
            : inv.status === 'pending'
              ? l('Factura pendiente de timbrar', 'Invoice waiting to be stamped')
              : l('El PAC rechazó la factura', 'The PAC rejected the invoice')}{' '}
          {folioOf(inv)}
        </h2>
        <StatusBadge inv={inv} />
      </div>
      {inv.status === 'pending' ? (
        <p className="warn-box">
          {l(
            'El PAC no respondió. La factura quedó guardada y se timbrará sola en cuanto responda; no se pierde ni se timbra dos veces.',
            'The PAC did not answer. The invoice is saved and will be stamped when it does; never lost, never stamped twice.',
          )}
        </p>
      ) : null}
      {inv.status === 'rejected' && inv.pacError?.message ? (
        <p className="error">{inv.pacError.message}</p>
      ) : null}
      <dl className="bo-facts">
        <div className="wide">
          <dt>{l('Folio fiscal (UUID)', 'Fiscal folio (UUID)')}</dt>
          <dd className="uuid" data-testid="result-uuid">
            {inv.uuid ?? '—'}
          </dd>
        </div>
        <div>
          <dt>{l('Receptor', 'Receptor')}</dt>
          <dd>
            {inv.receptor.nombre} · {inv.receptor.rfc}
          </dd>
        </div>
        <div>
          <dt>Total</dt>
          <dd className="strong">{formatMoney(inv.total)}</dd>
        </div>
        <div>
          <dt>{l('Pago', 'Payment')}</dt>
          <dd>
            {inv.metodoPago ?? ''} · {satLabel(l, FORMA_PAGO_LABEL, inv.formaPago)}
          </dd>
        </div>
      </dl>
      <div className="bo-row" style={{ marginTop: '0.75rem' }}>
        <Link className="button primary" to={`/admin/invoicing/invoices/${inv.id}`} data-testid="result-open">
          {l('Ver factura', 'Open invoice')}
        </Link>
        {inv.status !== 'rejected' ? (
          <>
            <a className="button" href={xmlUrl(inv.id)} download>
              {l('Descargar XML', 'Download XML')}
            </a>
            <a className="button" href={pdfUrl(inv.id)} target="_blank" rel="noreferrer">
              {l('Ver PDF', 'View PDF')}
            </a>
          </>
        ) : null}
      </div>
    </section>
  );
}
