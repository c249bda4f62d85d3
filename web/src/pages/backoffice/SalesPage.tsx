import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { get, qs } from '../../lib/api';
import type { BusinessInfo, Sale } from '../../lib/endpoints';
import { formatDateTime, formatMoney, formatQuantity } from '../../lib/format';
import { receiptText } from '../../lib/whatsapp';
import { buildReceiptModel, paymentLabel, snapshotOfSale, taxLabel } from '../../printing/receipt-model';
import { WhatsappReceipt } from '../terminal/ReceiptDialog';
import { ReceiptView } from '../terminal/ReceiptView';
import { CHANNEL_LABEL, type Channel, pick, useL } from './lang';
import type { Page } from './types';
import {
  type DateRange,
  DateRangePicker,
  ErrorBox,
  Loading,
  LocationSelect,
  lastDays,
  PageHeader,
  ShowMore,
  useLocations,
} from './ui';

type SaleSummary = Omit<Sale, 'lines' | 'payments' | 'taxes'>;

/** Who sold and where: register and user names for the ids a sale carries. */
function usePeopleAndRegisters() {
  const registers = useQuery({
    queryKey: ['registers', 'all'],
    queryFn: () => get<{ items: { id: string; name: string }[] }>('/registers').then((r) => r.items),
  });
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => get<{ items: { id: string; name: string }[] }>('/users').then((r) => r.items),
  });
  const reg = new Map((registers.data ?? []).map((r) => [r.id, r.name]));
  const usr = new Map((users.data ?? []).map((u) => [u.id, u.name]));
  return {
    register: (id: string | null) => (id ? (reg.get(id) ?? '') : ''),
    user: (id: string | null) => (id ? (usr.get(id) ?? '') : ''),
  };
}

/**
 * A copy of the ticket as the register printed it, from the stored sale: the receipt's own
 * model and view (the terminal's), the browser's print dialog printing only the ticket.
 */
function TicketCopy({ sale, cashier, registerName }: { sale: Sale; cashier: string; registerName: string }) {
  const locations = useLocations();
  const business = useQuery({ queryKey: ['business'], queryFn: () => get<BusinessInfo>('/business') });
  const location = locations.data?.find((x) => x.id === sale.locationId);
  const locationName = location?.name ?? '';
  // the customer named on the ticket, as the profile reads now (nothing once their data is erased)
  const customer = useQuery({
    queryKey: ['customer', sale.customerId],
    queryFn: () => get<{ name: string; phone: string | null }>(`/customers/${sale.customerId}`),
    enabled: !!sale.customerId,
  });
  const named = customer.data && (customer.data.name || customer.data.phone) ? customer.data : null;
  const model = buildReceiptModel({
    snapshot: snapshotOfSale(sale, { cashier, registerName, locationName, customer: named }),
    sale,
    business: business.data ?? null,
    locationName,
    locationAddress: location?.address ?? null,
    origin: window.location.origin,
  });
  return (
    <>
      <div className="receipt-actions">
        <WhatsappReceipt text={receiptText(model)} phone={named?.phone ?? ''} />
      </div>
      <div className="print-area" data-testid="ticket-copy">
        <ReceiptView r={model} paper={80} />
      </div>
    </>
  );
}

/** One ticket as the customer got it: lines (and what came back), taxes, payments, codes. */
function SaleDetail({
  saleId,
  onClose,
  cashierOf,
  registerOf,
}: {
  saleId: string;
  onClose: () => void;
  cashierOf: (userId: string | null) => string;
  registerOf: (registerId: string | null) => string;
}) {
  const l = useL();
  const [copy, setCopy] = useState(false);
  const sale = useQuery({ queryKey: ['sale', saleId], queryFn: () => get<Sale>(`/sales/${saleId}`) });
  const s = sale.data;
  return (
    <section className="card bo-section" data-testid="sale-detail">
      <div className="bo-row">
        <h2>
          {l('Ticket', 'Ticket')} {s ? `#${s.ticketNumber}` : ''}
        </h2>
        <button type="button" className="button small" onClick={onClose}>
          {l('Cerrar', 'Close')}
        </button>
      </div>
      <ErrorBox error={sale.error} />
      {s ? (
        <>
          <p className="muted small">
            {formatDateTime(s.createdAt)} · {l('Código para facturar', 'Invoicing code')}{' '}
            <strong>{s.invoiceCode}</strong>
          </p>
          <table className="lines compact">
            <thead>
              <tr>
                <th>{l('Artículo', 'Item')}</th>
                <th className="num">{l('Cant.', 'Qty')}</th>
                <th className="num">{l('Precio', 'Price')}</th>
                <th className="num">{l('Desc.', 'Disc.')}</th>
                <th className="num">{l('Importe', 'Amount')}</th>
              </tr>
            </thead>
            <tbody>
              {s.lines.map((x) => (
                <tr key={x.lineNo}>
                  <td>
                    {x.description}
                    {/^0(\.0+)?$/.test(x.returnedQuantity) ? null : (
                      <div className="small neg">
                        {l('Devueltos', 'Returned')}: {formatQuantity(x.returnedQuantity)}
                      </div>
                    )}
                  </td>
                  <td className="num">{formatQuantity(x.quantity)}</td>
                  <td className="num">{formatMoney(x.unitPrice)}</td>
                  <td className="num">{/^0(\.0+)?$/.test(x.discount) ? '' : formatMoney(x.discount)}</td>
                  <td className="num">{formatMoney(x.total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <dl className="bo-totals">
            <dt>{l('Subtotal', 'Subtotal')}</dt>
            <dd>{formatMoney(s.subtotal)}</dd>
            {s.taxes.map((x) => (
              <div key={`${x.tax}${x.factor}${x.rate}`} className="bo-totals-row">
                <dt>{taxLabel(x)}</dt>
                <dd>{x.amount === null ? '' : formatMoney(x.amount)}</dd>
              </div>
            ))}
            <dt className="strong">{l('Total', 'Total')}</dt>
            <dd className="strong">{formatMoney(s.total)}</dd>
          </dl>
          <h3>{l('Pagos', 'Payments')}</h3>
          <ul className="bo-home-list" data-testid="sale-payments">
            {s.payments.map((p) => (
              <li key={p.paymentNo}>
                <span>{p.kind === 'change' ? l('Cambio', 'Change') : paymentLabel(p)}</span>
                <strong>{formatMoney(p.kind === 'change' ? p.amount.replace(/^-/, '') : p.amount)}</strong>
              </li>
            ))}
          </ul>
          {s.note ? <p className="small">“{s.note}”</p> : null}
          <div className="bo-row">
            <button type="button" className="button small" onClick={() => setCopy(!copy)}>
              {copy ? l('Ocultar copia', 'Hide copy') : l('Copia del ticket', 'Ticket copy')}
            </button>
            {copy ? (
              <button type="button" className="button small primary" onClick={() => window.print()}>
                {l('Imprimir', 'Print')}
              </button>
            ) : null}
          </div>
          {copy ? (
            <TicketCopy sale={s} cashier={cashierOf(s.userId)} registerName={registerOf(s.registerId)} />
          ) : null}
        </>
      ) : (
        <Loading />
      )}
    </section>
  );
}

/** Every ticket, newest first: by dates, location or ticket number; one opens to its detail. */
export function SalesPage() {
  const l = useL();
  const [range, setRange] = useState<DateRange>(lastDays(7));
  const [locationId, setLocationId] = useState('');
  const [ticket, setTicket] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const names = usePeopleAndRegisters();
  const locations = useLocations();
  const locName = (id: string) => locations.data?.find((x) => x.id === id)?.name ?? '';
  const ticketNumber = /^\d{1,9}$/.test(ticket.trim()) ? ticket.trim() : undefined;
  const list = useInfiniteQuery({
    queryKey: ['sales', range, locationId, ticketNumber],
    initialPageParam: '',
    queryFn: ({ pageParam }) =>
      get<Page<SaleSummary>>(
        `/sales${qs({
          from: ticketNumber ? undefined : range.from,
          to: ticketNumber ? undefined : range.to,
          locationId: locationId || undefined,
          ticketNumber,
          limit: 100,
          cursor: pageParam || undefined,
        })}`,
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = (list.data?.pages ?? []).flatMap((p) => p.items);
  return (
    <div>
      <PageHeader title={l('Ventas', 'Sales')}>
        <label className="bo-inline">
          <span>{l('Ticket', 'Ticket')}</span>
          <input
            type="search"
            inputMode="numeric"
            aria-label={l('Número de ticket', 'Ticket number')}
            placeholder="#"
            value={ticket}
            onChange={(e) => setTicket(e.target.value)}
          />
        </label>
        <LocationSelect value={locationId} onChange={setLocationId} />
      </PageHeader>
      {ticketNumber ? null : <DateRangePicker value={range} onChange={setRange} />}
      <ErrorBox error={list.error} />
      <div className={open ? 'bo-two' : ''}>
        <section className="card bo-section bo-table-card">
          <table className="lines compact" data-testid="sales-table">
            <thead>
              <tr>
                <th>{l('Fecha', 'Date')}</th>
                <th className="num">{l('Ticket', 'Ticket')}</th>
                <th>{l('Sucursal y caja', 'Location and register')}</th>
                <th>{l('Vendió', 'Sold by')}</th>
                <th>{l('Canal', 'Channel')}</th>
                <th className="num">{l('Total', 'Total')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => (
                <tr
                  key={s.id}
                  className={s.id === open ? 'selected' : ''}
                  onClick={() => setOpen(s.id === open ? null : s.id)}
                >
                  <td>{formatDateTime(s.createdAt)}</td>
                  <td className="num">
                    <button type="button" className="link" onClick={() => setOpen(s.id)}>
                      #{s.ticketNumber}
                    </button>
                  </td>
                  <td>
                    {locName(s.locationId)}
                    {s.registerId ? <span className="muted"> · {names.register(s.registerId)}</span> : null}
                  </td>
                  <td>{names.user(s.userId)}</td>
                  <td>{pick(l, CHANNEL_LABEL[s.channel as Channel], s.channel)}</td>
                  <td className="num">{formatMoney(s.total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.isSuccess && rows.length === 0 ? (
            <p className="muted">{l('No hay ventas con estos filtros.', 'No sales match.')}</p>
          ) : null}
          <ShowMore query={list} />
        </section>
        {open ? (
          <SaleDetail
            saleId={open}
            onClose={() => setOpen(null)}
            cashierOf={names.user}
            registerOf={names.register}
          />
        ) : null}
      </div>
    </div>
  );
}
