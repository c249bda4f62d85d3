import { D } from '@server/shared/money.js';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { useAuth } from '../../app/auth';
import { get, qs } from '../../lib/api';
import { businessTimeZone, businessToday, formatMoney, formatQuantity } from '../../lib/format';
import { getLocale, useT } from '../../lib/i18n';
import { ORDER_STATUS_LABEL, pick, useL } from './lang';
import { useLiveRefresh } from './live';
import { useLevelsOf } from './levels';
import { addDays, ErrorBox, useLocations } from './ui';

interface Tickets {
  count: number;
  total: string;
  averageTicket: string;
}
interface DayReport {
  totals: Tickets;
}
interface LowStock {
  skuId: string;
  locationId: string;
  sku: string;
  productName: string;
  available: string;
  reorderPoint: string | null;
}
interface Lot {
  id: string;
  skuId: string;
  locationId: string;
  lotCode: string;
  expiresOn: string | null;
  quantity: string;
}
interface Register {
  id: string;
  locationId: string;
  name: string;
  active: boolean;
  openCashSessionId: string | null;
}
interface Undocumented {
  count: number;
  total: string;
}

/** The statuses of orders someone still has to act on, in the order they move. */
/** What customers owe on account from purchases more than 30 days old. */
function overdueOf(aging: Record<'from31To60' | 'from61To90' | 'over90', string>) {
  return new D(aging.from31To60).plus(aging.from61To90).plus(aging.over90);
}

const PENDING_ORDERS = ['new', 'confirmed', 'preparing', 'ready', 'out_for_delivery'] as const;

function Kpi({
  label,
  value,
  note,
  testId,
}: {
  label: string;
  value: ReactNode;
  note?: ReactNode;
  testId?: string;
}) {
  return (
    <div className="card kpi" data-testid={testId}>
      <span>{label}</span>
      <strong>{value}</strong>
      {note ? <small className="muted">{note}</small> : null}
    </div>
  );
}

/**
 * A new business's first steps (what /bienvenida leaves to do), each linked to its page and
 * ticked once done; gone when all are. The demo business has them all done.
 */
function FirstSteps({ registers }: { registers: number | undefined }) {
  const l = useL();
  const fiscal = useQuery({
    queryKey: ['fiscal-setup'],
    queryFn: () => get<{ profile: unknown | null; csd: unknown | null }>('/invoicing/setup'),
  });
  const products = useQuery({
    queryKey: ['home', 'any-product'],
    queryFn: () => get<{ items: unknown[] }>('/products?limit=1').then((r) => r.items.length > 0),
  });
  const users = useQuery({
    queryKey: ['home', 'users'],
    queryFn: () => get<{ items: unknown[] }>('/users').then((r) => r.items.length > 1),
  });
  const customers = useQuery({
    queryKey: ['home', 'any-customer'],
    queryFn: () => get<{ items: unknown[] }>('/customers?limit=1').then((r) => r.items.length > 0),
  });
  if (
    !fiscal.data ||
    products.data === undefined ||
    users.data === undefined ||
    customers.data === undefined ||
    registers === undefined
  )
    return null;
  const steps: { done: boolean; to: string; text: string }[] = [
    {
      done: registers > 0,
      to: '/admin/cash',
      text: l(
        'Crea la caja de tu tienda, para vender en ella.',
        'Create your store’s register, to sell at it.',
      ),
    },
    {
      done: products.data,
      to: '/admin/products/import',
      text: l(
        'Sube tu catálogo: importa el CSV de tu sistema anterior o de Excel (o da de alta productos uno por uno).',
        'Bring your catalog: import the CSV from your old system or Excel (or add products one by one).',
      ),
    },
    {
      done: !!fiscal.data.profile && !!fiscal.data.csd,
      to: '/admin/invoicing/setup',
      text: l(
        'Para facturar: tus datos fiscales y tu CSD (el .cer y el .key del SAT).',
        'To invoice: your tax data and your CSD (the SAT .cer and .key files).',
      ),
    },
    {
      done: users.data,
      to: '/admin/users',
      text: l(
        'Agrega a tu equipo: cajeros, encargados, quien atiende WhatsApp.',
        'Add your team: cashiers, managers, whoever answers WhatsApp.',
      ),
    },
    {
      done: customers.data,
      to: '/admin/customers/import',
      text: l(
        'Si llevas fiado en una libreta: importa a tus clientes con lo que te deben.',
        'If you keep credit in a notebook: import your customers with what they owe you.',
      ),
    },
  ];
  if (steps.every((x) => x.done)) return null;
  return (
    <section className="card bo-section" data-testid="first-steps">
      <h2>{l('Primeros pasos', 'First steps')}</h2>
      <p className="muted">
        {registers > 0
          ? l(
              'Ya puedes vender en la caja. Lo demás, cuando quieras:',
              'You can sell at the register already. The rest, whenever you like:',
            )
          : l('Para empezar:', 'To start:')}
      </p>
      <ol className="first-steps">
        {steps.map((x) => (
          <li key={x.to} className={x.done ? 'done' : undefined}>
            {x.done ? (
              <>
                <span aria-hidden="true">✓ </span>
                <span className="sr-only">{l('Hecho: ', 'Done: ')}</span>
              </>
            ) : null}
            <Link to={x.to}>{x.text}</Link>
          </li>
        ))}
      </ol>
    </section>
  );
}

/**
 * The owner's and manager's morning: today's sales against the same day last week, then what
 * is waiting for someone (orders, products to reorder, sale conflicts, tickets to invoice, open
 * registers), each with a link to the page where it is dealt with.
 */
export function BackOfficeHome() {
  const t = useT();
  const l = useL();
  const { user } = useAuth();
  const today = businessToday();
  const lastWeek = addDays(today, -7);
  const monthStart = `${today.slice(0, 8)}01`;
  const day = (date: string) =>
    get<DayReport>(`/reports/sales-by-day${qs({ from: date, to: date })}`).then((r) => r.totals);
  const sales = useQuery({
    queryKey: ['home', 'sales', today],
    queryFn: () => day(today),
    refetchInterval: 60_000,
  });
  const before = useQuery({ queryKey: ['home', 'sales', lastWeek], queryFn: () => day(lastWeek) });
  const board = useQuery({
    queryKey: ['home', 'orders'],
    queryFn: () => get<{ counts: Record<string, number> }>('/orders/board'),
    refetchInterval: 60_000,
  });
  const low = useQuery({
    queryKey: ['home', 'low-stock'],
    queryFn: () => get<{ items: LowStock[] }>('/inventory/low-stock').then((r) => r.items),
  });
  const conflicts = useQuery({
    queryKey: ['home', 'conflicts'],
    queryFn: () => get<{ openCount: number }>(`/sale-conflicts${qs({ status: 'open', limit: '1' })}`),
  });
  const privacy = useQuery({
    queryKey: ['home', 'privacy'],
    queryFn: () =>
      get<{ openCount: number; overdueCount: number }>(
        `/privacy-requests${qs({ status: 'open', limit: '1' })}`,
      ),
  });
  const receivable = useQuery({
    queryKey: ['home', 'receivable'],
    queryFn: () =>
      get<{ count: number; total: string; aging: Record<'from31To60' | 'from61To90' | 'over90', string> }>(
        '/accounts/receivable?limit=1',
      ),
  });
  const registers = useQuery({
    queryKey: ['home', 'registers'],
    queryFn: () => get<{ items: Register[] }>('/registers').then((r) => r.items.filter((x) => x.active)),
  });
  const undocumented = useQuery({
    queryKey: ['home', 'undocumented', monthStart, today],
    queryFn: () =>
      get<Undocumented>(`/invoicing/reports/undocumented-sales${qs({ from: monthStart, to: today })}`),
  });
  // live: a sale, an order, a stock change or a corte anywhere shows here without reloading
  const sold = [
    ['home', 'sales'],
    ['home', 'undocumented'],
  ];
  useLiveRefresh({
    // only a sale to a customer can put something on an account
    'sale.completed': (sale) => (sale.customerId ? [...sold, ['home', 'receivable']] : sold),
    'return.recorded': sold,
    'customer.account_payment': [['home', 'receivable']],
    'customer.account_opening': [['home', 'receivable']],
    'order.created': [...sold, ['home', 'orders']],
    'order.status_changed': [...sold, ['home', 'orders']],
    'stock.low': [['home', 'low-stock']],
    'stock.changed': [
      ['home', 'low-stock'],
      ['home', 'expiring'],
    ],
    'cash.session_opened': [['home', 'registers']],
    'cash.session_closed': [['home', 'registers']],
    'sale_conflict.recorded': [['home', 'conflicts']],
    'sale_conflict.resolved': [['home', 'conflicts']],
  });
  // lots to sell or pull first: those that expire within a week
  const weekAhead = addDays(today, 7);
  const expiring = useQuery({
    queryKey: ['home', 'expiring', weekAhead],
    queryFn: () =>
      get<{ items: Lot[] }>(`/inventory/lots${qs({ expiresBy: weekAhead })}`).then((r) => r.items),
  });
  const lotNames = useLevelsOf(
    (expiring.data ?? []).slice(0, 6).map((x) => x.skuId),
    5 * 60_000,
  );
  const productName = (skuId: string) => lotNames.find((x) => x.skuId === skuId)?.productName ?? '';
  const locations = useLocations();
  const locationName = (id: string) => locations.data?.find((x) => x.id === id)?.name ?? '';

  const longDate = new Intl.DateTimeFormat(getLocale() === 'en' ? 'en-US' : 'es-MX', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    timeZone: businessTimeZone(),
  }).format(new Date());
  const weekday = new Intl.DateTimeFormat(getLocale() === 'en' ? 'en-US' : 'es-MX', {
    weekday: 'long',
    timeZone: 'UTC',
  }).format(new Date(`${lastWeek}T12:00:00Z`));
  const s = sales.data;
  const pendingOrders = PENDING_ORDERS.map((k) => [k, board.data?.counts[k] ?? 0] as const).filter(
    ([, n]) => n > 0,
  );
  const openRegisters = registers.data?.filter((r) => r.openCashSessionId) ?? [];

  return (
    <section className="bo-home">
      <header className="bo-page-head">
        <div>
          <h1>{t('admin.home.title', { name: user?.name ?? '' })}</h1>
          <p className="muted bo-home-date">{longDate}</p>
        </div>
        <div className="bo-actions">
          <Link className="button primary" to="/terminal">
            {t('admin.home.openTerminal')}
          </Link>
        </div>
      </header>

      <FirstSteps registers={registers.data?.length} />
      <ErrorBox error={sales.error} />
      <div className="bo-kpis bo-kpis-4" data-testid="home-today">
        <Kpi
          label={l('Ventas de hoy', "Today's sales")}
          value={formatMoney(s?.total ?? '0')}
          // the whole of last week's day, not a percentage: today is not over yet
          note={
            before.data
              ? l(
                  `El ${weekday} pasado: ${formatMoney(before.data.total)} en ${before.data.count} tickets`,
                  `Last ${weekday}: ${formatMoney(before.data.total)} in ${before.data.count} tickets`,
                )
              : undefined
          }
        />
        <Kpi label={l('Tickets de hoy', "Today's tickets")} value={s?.count ?? 0} />
        <Kpi label={l('Ticket promedio', 'Average ticket')} value={formatMoney(s?.averageTicket ?? '0')} />
        <Kpi
          testId="home-registers"
          label={l('Cajas abiertas', 'Open registers')}
          value={`${openRegisters.length} / ${registers.data?.length ?? 0}`}
          note={openRegisters.map((r) => `${r.name} · ${locationName(r.locationId)}`).join(', ') || undefined}
        />
      </div>

      <div className="bo-home-grid">
        <div className="card bo-section" data-testid="home-orders">
          <h2>{l('Pedidos por atender', 'Orders to handle')}</h2>
          {pendingOrders.length === 0 ? (
            <p className="muted">{l('No hay pedidos pendientes.', 'No orders waiting.')}</p>
          ) : (
            <ul className="bo-home-list">
              {pendingOrders.map(([status, n]) => (
                <li key={status}>
                  <span>{pick(l, ORDER_STATUS_LABEL[status], status)}</span>
                  <strong>{n}</strong>
                </li>
              ))}
            </ul>
          )}
          <Link to="/admin/orders">{l('Ver pedidos', 'See orders')}</Link>
        </div>

        <div className="card bo-section bo-table-card" data-testid="home-low-stock">
          <h2>
            {l('Por resurtir', 'To reorder')}{' '}
            {low.data?.length ? <span className="badge">{low.data.length}</span> : null}
          </h2>
          {low.data && low.data.length === 0 ? (
            <p className="muted">
              {l('Nada está en su punto de reorden.', 'Nothing is at its reorder point.')}
            </p>
          ) : (
            <table className="lines compact">
              <thead>
                <tr>
                  <th>{l('Producto', 'Product')}</th>
                  <th>{l('Sucursal', 'Location')}</th>
                  <th className="num">{l('Disponible', 'Available')}</th>
                  <th className="num">{l('Reorden', 'Reorder at')}</th>
                </tr>
              </thead>
              <tbody>
                {(low.data ?? []).slice(0, 6).map((x) => (
                  <tr key={`${x.skuId}/${x.locationId}`}>
                    <td>{x.productName}</td>
                    <td>{locationName(x.locationId)}</td>
                    <td className="num">{formatQuantity(x.available)}</td>
                    <td className="num">{x.reorderPoint === null ? '' : formatQuantity(x.reorderPoint)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <Link to="/admin/stock">{l('Ver existencias', 'See stock')}</Link>
        </div>

        <div className="card bo-section bo-table-card" data-testid="home-expiring">
          <h2>
            {l('Caducan esta semana', 'Expiring this week')}{' '}
            {expiring.data?.length ? <span className="badge">{expiring.data.length}</span> : null}
          </h2>
          {expiring.data && expiring.data.length === 0 ? (
            <p className="muted">
              {l('Ningún lote caduca en los próximos 7 días.', 'No lot expires in the next 7 days.')}
            </p>
          ) : (
            <table className="lines compact">
              <thead>
                <tr>
                  <th>{l('Producto', 'Product')}</th>
                  <th>{l('Lote', 'Lot')}</th>
                  <th>{l('Caduca', 'Expires')}</th>
                  <th className="num">{l('Quedan', 'Left')}</th>
                </tr>
              </thead>
              <tbody>
                {(expiring.data ?? []).slice(0, 6).map((x) => (
                  <tr key={x.id}>
                    <td>
                      {productName(x.skuId)}
                      <div className="small muted">{locationName(x.locationId)}</div>
                    </td>
                    <td>{x.lotCode}</td>
                    <td>{x.expiresOn ? x.expiresOn.split('-').reverse().join('/') : ''}</td>
                    <td className="num">{formatQuantity(x.quantity)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>

        <div className="card bo-section" data-testid="home-attention">
          <h2>{l('También pendiente', 'Also waiting')}</h2>
          <ul className="bo-home-list">
            <li>
              <Link to="/admin/sale-conflicts">
                {l('Ventas en conflicto por revisar', 'Sale conflicts to review')}
              </Link>
              <strong>{conflicts.data?.openCount ?? 0}</strong>
            </li>
            <li>
              <Link to="/admin/privacy">
                {l('Solicitudes ARCO abiertas (datos personales)', 'Open ARCO requests (personal data)')}
              </Link>
              <strong>
                {privacy.data?.openCount ?? 0}
                {privacy.data?.overdueCount ? (
                  <span className="badge bad">
                    {privacy.data.overdueCount} {l('vencidas', 'overdue')}
                  </span>
                ) : null}
              </strong>
            </li>
            <li>
              <Link to="/admin/receivables">
                {l('Por cobrar a clientes (fiado)', 'Owed by customers (on account)')}
              </Link>
              <strong data-testid="home-receivable">
                {receivable.data ? `${receivable.data.count} · ${formatMoney(receivable.data.total)}` : '—'}
                {receivable.data && overdueOf(receivable.data.aging).gt(0) ? (
                  <span className="badge bad" data-testid="home-receivable-overdue">
                    {l(
                      `${formatMoney(overdueOf(receivable.data.aging).toFixed(2))} de más de 30 días`,
                      `${formatMoney(overdueOf(receivable.data.aging).toFixed(2))} over 30 days old`,
                    )}
                  </span>
                ) : null}
              </strong>
            </li>
            <li>
              <Link to="/admin/invoicing">
                {l(
                  'Tickets del mes sin factura (para la factura global)',
                  "This month's tickets not invoiced (for the global invoice)",
                )}
              </Link>
              <strong>
                {undocumented.data
                  ? `${undocumented.data.count} · ${formatMoney(undocumented.data.total)}`
                  : '—'}
              </strong>
            </li>
          </ul>
        </div>
      </div>
    </section>
  );
}
