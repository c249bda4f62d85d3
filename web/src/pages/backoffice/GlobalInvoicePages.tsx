import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { get, post, qs } from '../../lib/api';
import { businessToday, formatDateTime, formatMoney } from '../../lib/format';
import { InvoiceResult } from './InvoiceTicketsPage';
import { useFiscalSetup } from './InvoicingPages';
import { dayLabel, type Invoice, PERIODICIDADES, periodOf, type Undocumented } from './invoicing';
import { CHANNEL_LABEL, type Channel, pick, useL } from './lang';
import {
  type DateRange,
  DateRangePicker,
  ErrorBox,
  Loading,
  LocationSelect,
  PageHeader,
  useLocations,
} from './ui';

/** The tickets of a report, with the channel and location they came from. */
function TicketsTable({ report }: { report: Undocumented }) {
  const l = useL();
  const locations = useLocations();
  const locName = new Map((locations.data ?? []).map((x) => [x.id, x.name]));
  return (
    <div className="bo-scroll">
      <table className="lines compact" data-testid="undocumented-tickets">
        <thead>
          <tr>
            <th>{l('Ticket', 'Ticket')}</th>
            <th>{l('Fecha', 'Date')}</th>
            <th>{l('Canal', 'Channel')}</th>
            <th>{l('Sucursal', 'Location')}</th>
            <th className="num">{l('Devuelto', 'Refunded')}</th>
            <th className="num">{l('Por documentar', 'To document')}</th>
          </tr>
        </thead>
        <tbody>
          {report.sales.map((s) => (
            <tr key={s.saleId}>
              <td>#{s.ticketNumber}</td>
              <td>{formatDateTime(s.createdAt)}</td>
              <td>{pick(l, CHANNEL_LABEL[s.channel as Channel], s.channel)}</td>
              <td>{locName.get(s.locationId) ?? ''}</td>
              <td className="num">{s.refunded === '0.00' ? '—' : formatMoney(s.refunded)}</td>
              <td className="num">{formatMoney(s.total)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ByChannel({ report }: { report: Undocumented }) {
  const l = useL();
  return (
    <table className="lines compact" data-testid="undocumented-by-channel">
      <thead>
        <tr>
          <th>{l('Canal de origen', 'Channel')}</th>
          <th className="num">{l('Tickets', 'Tickets')}</th>
          <th className="num">Total</th>
        </tr>
      </thead>
      <tbody>
        {report.byChannel.map((c) => (
          <tr key={c.channel}>
            <td>{pick(l, CHANNEL_LABEL[c.channel as Channel], c.channel)}</td>
            <td className="num">{c.count}</td>
            <td className="num">{formatMoney(c.total)}</td>
          </tr>
        ))}
        <tr className="bo-total-row">
          <td>Total</td>
          <td className="num">{report.count}</td>
          <td className="num">{formatMoney(report.total)}</td>
        </tr>
      </tbody>
    </table>
  );
}

/** Factura global: the period, what the "not yet invoiced" report says for it, then issue. */
export function GlobalInvoicePage() {
  const l = useL();
  const qc = useQueryClient();
  const setup = useFiscalSetup();
  const locations = useLocations();
  const stores = (locations.data ?? []).filter((x) => x.kind === 'store');
  const [chosen, setChosen] = useState('');
  const locationId = chosen || stores[0]?.id || '';
  const [periodicidad, setPeriodicidad] = useState<(typeof PERIODICIDADES)[number]['id']>('01');
  const [date, setDate] = useState(businessToday());
  const [result, setResult] = useState<Invoice | null>(null);
  const period = periodOf(periodicidad, date);
  const preview = useQuery({
    queryKey: ['undocumented', { ...period, locationId }],
    queryFn: () => get<Undocumented>(`/invoicing/reports/undocumented-sales${qs({ ...period, locationId })}`),
    enabled: !!locationId,
  });
  const create = useMutation({
    mutationFn: () =>
      post<Invoice>('/invoicing/global-invoices', { locationId, periodicidad, date }, { timeoutMs: 120_000 }),
    onSuccess: (inv) => {
      setResult(inv);
      void qc.invalidateQueries({ queryKey: ['undocumented'] });
      void qc.invalidateQueries({ queryKey: ['invoices'] });
    },
    onError: () => setResult(null),
  });
  const bimonthlyOk = setup.data?.profile?.regimenFiscal === '621';
  const report = preview.data;
  return (
    <div>
      <PageHeader title={l('Factura global', 'Global invoice')} />
      <section className="card bo-section">
        <p className="muted small">
          {l(
            'La factura global junta, a nombre de «Público en general», los tickets que nadie facturó en el periodo: un concepto por ticket, como pide el SAT. Un ticket que ya tiene factura nunca entra.',
            'The global invoice gathers, to “Público en general”, the tickets nobody invoiced in the period: one concept per ticket, as SAT asks. An invoiced ticket never goes in.',
          )}
        </p>
        <div className="bo-filters">
          <div className="bo-row">
            <span className="bo-inline">{l('Periodicidad', 'Period')}</span>
            {PERIODICIDADES.map((p) => (
              <button
                key={p.id}
                type="button"
                aria-pressed={periodicidad === p.id}
                className={`chip${periodicidad === p.id ? ' on' : ''}`}
                disabled={p.id === '05' && !bimonthlyOk}
                title={
                  p.id === '05' && !bimonthlyOk
                    ? l('Solo para el régimen 621 (Incorporación Fiscal).', 'Only for regime 621.')
                    : undefined
                }
                onClick={() => {
                  setPeriodicidad(p.id);
                  setResult(null);
                }}
              >
                {pick(l, p.label, p.id)}
              </button>
            ))}
          </div>
          <label className="bo-inline">
            <span>{l('Fecha dentro del periodo', 'A date in the period')}</span>
            <input
              type="date"
              value={date}
              max={businessToday()}
              onChange={(e) => {
                if (e.target.value) setDate(e.target.value);
                setResult(null);
              }}
            />
          </label>
          <LocationSelect
            value={locationId}
            onChange={(v) => {
              setChosen(v);
              setResult(null);
            }}
            allowAll={false}
          />
        </div>
        <p data-testid="global-period">
          {l('Periodo', 'Period')}:{' '}
          <strong>
            {period.from === period.to
              ? dayLabel(period.from)
              : `${l('del', 'from')} ${dayLabel(period.from)} ${l('al', 'to')} ${dayLabel(period.to)}`}
          </strong>
        </p>
      </section>

      <section className="card bo-section" data-testid="global-preview">
        <h2>{l('Lo que entraría', 'What would go in')}</h2>
        <ErrorBox error={preview.error} />
        {preview.isLoading ? <Loading /> : null}
        {report && report.count === 0 ? (
          <div className="bo-empty" data-testid="global-nothing">
            <strong>
              {l('No hay tickets sin facturar en este periodo.', 'No uninvoiced tickets in this period.')}
            </strong>
            <span className="muted">
              {l('Todo ya tiene factura o va en otra factura global.', 'Everything is already invoiced.')}
            </span>
          </div>
        ) : null}
        {report && report.count > 0 ? (
          <>
            <div className="bo-kpis three">
              <div className="card kpi">
                <span>{l('Tickets sin facturar', 'Uninvoiced tickets')}</span>
                <strong data-testid="global-count">{report.count}</strong>
              </div>
              <div className="card kpi">
                <span>Total</span>
                <strong data-testid="global-total">{formatMoney(report.total)}</strong>
              </div>
              <div className="card kpi">
                <span>{l('Canales', 'Channels')}</span>
                <strong>{report.byChannel.length}</strong>
              </div>
            </div>
            <ByChannel report={report} />
            <details>
              <summary>{l('Ver los tickets', 'See the tickets')}</summary>
              <TicketsTable report={report} />
            </details>
            <p className="muted small">
              {l(
                'Los tickets vendidos a crédito no entran en la global: necesitan su propia factura (PPD) a nombre del cliente.',
                'Tickets sold on account stay out: they need their own PPD invoice in the customer’s name.',
              )}
            </p>
          </>
        ) : null}
        <ErrorBox error={create.error} />
        <button
          type="button"
          className="button primary"
          disabled={!report || report.count === 0 || create.isPending || !locationId}
          onClick={() => create.mutate()}
        >
          {create.isPending
            ? l('Timbrando…', 'Stamping…')
            : report && report.count > 0
              ? `${l('Emitir factura global', 'Issue global invoice')} · ${formatMoney(report.total)}`
              : l('Emitir factura global', 'Issue global invoice')}
        </button>
      </section>
      {result ? <InvoiceResult inv={result} /> : null}
    </div>
  );
}

function thisMonth(): DateRange {
  const to = businessToday();
  return { from: `${to.slice(0, 8)}01`, to };
}

/** Control: sales not yet fiscally documented (no invoice, no global), by period and channel. */
export function UndocumentedPage() {
  const l = useL();
  const [range, setRange] = useState<DateRange>(thisMonth());
  const [locationId, setLocationId] = useState('');
  const report = useQuery({
    queryKey: ['undocumented', { ...range, locationId: locationId || undefined }],
    queryFn: () =>
      get<Undocumented>(
        `/invoicing/reports/undocumented-sales${qs({ ...range, locationId: locationId || undefined })}`,
      ),
  });
  const r = report.data;
  return (
    <div>
      <PageHeader title={l('Pendientes de facturar', 'Not yet invoiced')}>
        <Link className="button primary" to="/admin/invoicing/global">
          {l('Emitir factura global', 'Issue global invoice')}
        </Link>
      </PageHeader>
      <div className="bo-filters">
        <DateRangePicker value={range} onChange={setRange} />
        <LocationSelect value={locationId} onChange={setLocationId} />
      </div>
      <ErrorBox error={report.error} />
      {report.isLoading ? <Loading /> : null}
      {r && r.count === 0 ? (
        <section className="card bo-section bo-empty" data-testid="undocumented-empty">
          <strong>{l('Todo está facturado', 'Everything is invoiced')}</strong>
          <span className="muted">
            {l(
              `Ninguna venta del ${dayLabel(r.from)} al ${dayLabel(r.to)} está pendiente: cada ticket tiene su factura o va en una factura global.`,
              `No sale from ${dayLabel(r.from)} to ${dayLabel(r.to)} is pending: each ticket has its invoice or is in a global invoice.`,
            )}
          </span>
        </section>
      ) : null}
      {r && r.count > 0 ? (
        <>
          <div className="bo-kpis three" data-testid="undocumented-kpis">
            <div className="card kpi">
              <span>{l('Tickets sin documentar', 'Undocumented tickets')}</span>
              <strong>{r.count}</strong>
            </div>
            <div className="card kpi">
              <span>{l('Importe por documentar', 'Amount to document')}</span>
              <strong>{formatMoney(r.total)}</strong>
            </div>
            <div className="card kpi">
              <span>{l('Periodo', 'Period')}</span>
              <strong className="small">
                {dayLabel(r.from)} – {dayLabel(r.to)}
              </strong>
            </div>
          </div>
          <section className="card bo-section">
            <h2>{l('Por canal de origen', 'By channel of origin')}</h2>
            <ByChannel report={r} />
          </section>
          <section className="card bo-section">
            <h2>{l('Tickets', 'Tickets')}</h2>
            <TicketsTable report={r} />
          </section>
        </>
      ) : null}
    </div>
  );
}
