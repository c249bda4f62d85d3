import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Line,
  ComposedChart,
  Pie,
  PieChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { get, qs } from '../../lib/api';
import { formatDateTime, formatMoney, formatQuantity } from '../../lib/format';
import { CHANNEL_LABEL, type Channel, pick, REASON_LABEL, useL } from './lang';
import {
  type DateRange,
  DateRangePicker,
  Downloads,
  ErrorBox,
  LocationSelect,
  lastDays,
  PageHeader,
} from './ui';

interface Report<Row, Totals> {
  from: string;
  to: string;
  timeZone: string;
  rows: Row[];
  totals: Totals;
}
interface Tickets {
  count: number;
  total: string;
  averageTicket: string;
}
interface RotationRow {
  skuId: string;
  sku: string;
  name: string;
  units: string;
  revenue: string;
  onHand: string;
  averageOnHand: string;
  rotation: string | null;
}

const COLORS = ['#198754', '#0d6efd', '#fd7e14', '#6f42c1', '#d63384', '#20c997', '#6c757d'];

/** Chart geometry only: the figures shown as text stay decimal strings. */
const n = (v: string | number | null) => (v === null ? 0 : Number(v));

function useReport<Row, Totals = Tickets>(name: string, params: Record<string, string | undefined>) {
  return useQuery({
    queryKey: ['report', name, params],
    queryFn: () => get<Report<Row, Totals>>(`/reports/${name}${qs(params)}`),
  });
}

function ChartCard({
  id,
  testId,
  title,
  params,
  summary,
  error,
  children,
  wide,
}: {
  id: string;
  testId?: string;
  title: string;
  params: Record<string, string | undefined>;
  summary?: ReactNode;
  error?: unknown;
  children: ReactNode;
  wide?: boolean;
}) {
  return (
    <section className={`card bo-chart${wide ? ' wide' : ''}`} data-testid={`chart-${testId ?? id}`}>
      <div className="bo-chart-head">
        <h2>{title}</h2>
        <Downloads report={id} params={params} />
      </div>
      {summary ? <div className="bo-chart-summary">{summary}</div> : null}
      <ErrorBox error={error} />
      <div className="bo-chart-body">{children}</div>
    </section>
  );
}

// Axis ticks only (chart scales are numbers): $1.5k, not two ticks both reading $2k.
const moneyTick = (v: number) =>
  v >= 1000 ? `$${(v / 1000).toLocaleString('es-MX', { maximumFractionDigits: 1 })}k` : `$${v}`;

export function ReportsPage() {
  const l = useL();
  const [range, setRange] = useState<DateRange>(() => lastDays(7));
  const [locationId, setLocationId] = useState('');
  const params = { from: range.from, to: range.to, locationId: locationId || undefined };

  const byDay = useReport<{ date: string } & Tickets>('sales-by-day', params);
  const byHour = useReport<{ hour: number } & Tickets>('sales-by-hour', params);
  const byChannel = useReport<{ channel: Channel } & Tickets>('sales-by-channel', params);
  const byLocation = useReport<{ locationName: string } & Tickets>('sales-by-location', params);
  const byCashier = useReport<{ userName: string } & Tickets>('sales-by-cashier', params);
  const best = useReport<RotationRow, { units: string; revenue: string }>('best-sellers', {
    ...params,
    limit: '10',
  });
  const slow = useReport<RotationRow, { skus: number }>('slow-movers', { ...params, limit: '10' });
  const value = useReport<
    { locationName: string; value: string; units: string; skusWithoutCost: number },
    { value: string; skusWithoutCost: number }
  >('inventory-value', params);
  const accuracy = useReport<
    { countId: string; locationName: string; postedAt: string; accuracy: string | null },
    { counts: number; linesCounted: number; linesExact: number; accuracy: string | null }
  >('inventory-accuracy', params);
  const returns = useReport<
    { reason: string; count: number; units: string; amount: string },
    { count: number; amount: string }
  >('returns-by-reason', params);
  const cash = useReport<
    {
      cashSessionId: string;
      registerName: string;
      closedAt: string;
      closedBy: string | null;
      expectedCash: string;
      countedCash: string;
      difference: string;
    },
    { sessions: number; difference: string; shortage: string; overage: string }
  >('cash-differences', params);

  const day = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}`;
  const channelName = (c: Channel) => pick(l, CHANNEL_LABEL[c], c);
  const t = byDay.data?.totals;

  return (
    <div className="bo-reports">
      <PageHeader title={l('Reportes', 'Reports')}>
        <DateRangePicker value={range} onChange={setRange} />
        <LocationSelect value={locationId} onChange={setLocationId} />
      </PageHeader>

      <div className="bo-kpis" data-testid="report-kpis">
        <div className="card kpi">
          <span>{l('Ventas', 'Sales')}</span>
          <strong>{formatMoney(t?.total ?? '0')}</strong>
        </div>
        <div className="card kpi">
          <span>{l('Tickets', 'Tickets')}</span>
          <strong>{t?.count ?? 0}</strong>
        </div>
        <div className="card kpi">
          <span>{l('Ticket promedio', 'Average ticket')}</span>
          <strong>{formatMoney(t?.averageTicket ?? '0')}</strong>
        </div>
        <div className="card kpi">
          <span>{l('Valor del inventario', 'Inventory value')}</span>
          <strong>{formatMoney(value.data?.totals.value ?? '0')}</strong>
        </div>
        <div className="card kpi">
          <span>{l('Exactitud de inventario', 'Inventory accuracy')}</span>
          <strong>{accuracy.data?.totals.accuracy ? `${accuracy.data.totals.accuracy} %` : '—'}</strong>
        </div>
      </div>

      <div className="bo-charts">
        <ChartCard
          id="sales-by-day"
          title={l('Ventas por día', 'Sales by day')}
          params={params}
          error={byDay.error}
          wide
        >
          <ResponsiveContainer width="100%" height={220}>
            <ComposedChart
              data={(byDay.data?.rows ?? []).map((r) => ({ ...r, label: day(r.date), v: n(r.total) }))}
            >
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" fontSize={12} />
              <YAxis yAxisId="m" tickFormatter={moneyTick} fontSize={12} width={50} />
              <YAxis yAxisId="c" orientation="right" allowDecimals={false} fontSize={12} width={30} />
              <Tooltip
                formatter={(v, name, item) =>
                  name === 'v'
                    ? [formatMoney(item.payload.total), l('Ventas', 'Sales')]
                    : [v, l('Tickets', 'Tickets')]
                }
              />
              <Bar yAxisId="m" dataKey="v" fill={COLORS[0]} name="v" isAnimationActive={false} />
              <Line
                yAxisId="c"
                dataKey="count"
                stroke={COLORS[1]}
                name="count"
                dot={false}
                isAnimationActive={false}
              />
            </ComposedChart>
          </ResponsiveContainer>
        </ChartCard>

        <ChartCard
          id="sales-by-hour"
          title={l('Ventas por hora', 'Sales by hour')}
          params={params}
          error={byHour.error}
        >
          <ResponsiveContainer width="100%" height={200}>
            <BarChart
              data={(byHour.data?.rows ?? [])
                .filter((r) => r.hour >= 6 || r.count > 0)
                .map((r) => ({ ...r, v: n(r.total) }))}
            >
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="hour" fontSize={12} tickFormatter={(h: number) => `${h}h`} />
              <YAxis tickFormatter={moneyTick} fontSize={12} width={50} />
              <Tooltip
                formatter={(_v, _n, item) => [
                  `${formatMoney(item.payload.total)} · ${item.payload.count} tickets`,
                  '',
                ]}
              />
              <Bar dataKey="v" fill={COLORS[1]} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>

        <ChartCard
          id="sales-by-channel"
          title={l('Ventas por canal', 'Sales by channel')}
          params={params}
          error={byChannel.error}
        >
          <ResponsiveContainer width="100%" height={200}>
            <PieChart>
              <Pie
                data={(byChannel.data?.rows ?? [])
                  .filter((r) => r.count > 0)
                  .map((r) => ({ name: channelName(r.channel), value: n(r.total), total: r.total }))}
                dataKey="value"
                nameKey="name"
                outerRadius={75}
                isAnimationActive={false}
                label={({ name }) => name}
              >
                {(byChannel.data?.rows ?? [])
                  .filter((r) => r.count > 0)
                  .map((r, i) => (
                    <Cell key={r.channel} fill={COLORS[i % COLORS.length]} />
                  ))}
              </Pie>
              <Tooltip formatter={(_v, _n, item) => formatMoney(item.payload.total)} />
            </PieChart>
          </ResponsiveContainer>
        </ChartCard>

        <ChartCard
          id="sales-by-channel"
          testId="average-ticket-by-channel"
          title={l('Ticket promedio por canal', 'Average ticket per channel')}
          params={params}
          error={byChannel.error}
        >
          <table className="lines compact">
            <thead>
              <tr>
                <th>{l('Canal', 'Channel')}</th>
                <th className="num">{l('Tickets', 'Tickets')}</th>
                <th className="num">{l('Total', 'Total')}</th>
                <th className="num">{l('Promedio', 'Average')}</th>
              </tr>
            </thead>
            <tbody>
              {(byChannel.data?.rows ?? []).map((r) => (
                <tr key={r.channel}>
                  <td>{channelName(r.channel)}</td>
                  <td className="num">{r.count}</td>
                  <td className="num">{formatMoney(r.total)}</td>
                  <td className="num">{formatMoney(r.averageTicket)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ChartCard>

        <ChartCard
          id="sales-by-location"
          title={l('Ventas por sucursal', 'Sales by location')}
          params={params}
          error={byLocation.error}
        >
          <ResponsiveContainer width="100%" height={180}>
            <BarChart
              layout="vertical"
              data={(byLocation.data?.rows ?? []).map((r) => ({ ...r, v: n(r.total) }))}
            >
              <XAxis type="number" tickFormatter={moneyTick} fontSize={12} />
              <YAxis type="category" dataKey="locationName" width={110} fontSize={12} />
              <Tooltip
                formatter={(_v, _n, item) => [formatMoney(item.payload.total), l('Ventas', 'Sales')]}
              />
              <Bar dataKey="v" fill={COLORS[2]} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>

        <ChartCard
          id="sales-by-cashier"
          title={l('Ventas por cajero', 'Sales by cashier')}
          params={params}
          error={byCashier.error}
        >
          <ResponsiveContainer width="100%" height={180}>
            <BarChart
              layout="vertical"
              data={(byCashier.data?.rows ?? []).map((r) => ({ ...r, v: n(r.total) }))}
            >
              <XAxis type="number" tickFormatter={moneyTick} fontSize={12} />
              <YAxis type="category" dataKey="userName" width={110} fontSize={12} />
              <Tooltip
                formatter={(_v, _n, item) => [
                  `${formatMoney(item.payload.total)} · ${item.payload.count} tickets`,
                  '',
                ]}
              />
              <Bar dataKey="v" fill={COLORS[3]} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>

        <ChartCard
          id="best-sellers"
          title={l('Más vendidos', 'Best sellers')}
          params={params}
          error={best.error}
        >
          <ResponsiveContainer width="100%" height={200}>
            <BarChart layout="vertical" data={(best.data?.rows ?? []).map((r) => ({ ...r, v: n(r.units) }))}>
              <XAxis type="number" fontSize={12} allowDecimals={false} />
              <YAxis type="category" dataKey="name" width={150} fontSize={11} />
              <Tooltip
                formatter={(_v, _n, item) => [
                  `${formatQuantity(item.payload.units)} u · ${formatMoney(item.payload.revenue)} · ${l('rotación', 'rotation')} ${item.payload.rotation ?? '—'}`,
                  '',
                ]}
              />
              <Bar dataKey="v" fill={COLORS[0]} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>

        <ChartCard
          id="slow-movers"
          title={l('Lento movimiento', 'Slow movers')}
          params={params}
          error={slow.error}
        >
          <RotationTable rows={slow.data?.rows ?? []} />
        </ChartCard>

        <ChartCard
          id="inventory-value"
          title={l('Valor del inventario (a costo)', 'Inventory value (at cost)')}
          params={params}
          error={value.error}
          summary={
            value.data && value.data.totals.skusWithoutCost > 0
              ? l(
                  value.data.totals.skusWithoutCost === 1
                    ? '1 producto con existencia no tiene costo capturado.'
                    : `${value.data.totals.skusWithoutCost} productos con existencia no tienen costo capturado.`,
                  `${value.data.totals.skusWithoutCost} stocked products have no cost.`,
                )
              : undefined
          }
        >
          <ResponsiveContainer width="100%" height={180}>
            <BarChart data={(value.data?.rows ?? []).map((r) => ({ ...r, v: n(r.value) }))}>
              <XAxis dataKey="locationName" fontSize={12} />
              <YAxis tickFormatter={moneyTick} fontSize={12} width={55} />
              <Tooltip formatter={(_v, _n, item) => [formatMoney(item.payload.value), l('Valor', 'Value')]} />
              <Bar dataKey="v" fill={COLORS[5]} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>

        <ChartCard
          id="returns-by-reason"
          title={l('Devoluciones por motivo', 'Returns by reason')}
          params={params}
          error={returns.error}
          summary={
            returns.data
              ? l(
                  `${returns.data.totals.count} devoluciones · ${formatMoney(returns.data.totals.amount)} reembolsado`,
                  `${returns.data.totals.count} returns · ${formatMoney(returns.data.totals.amount)} refunded`,
                )
              : undefined
          }
        >
          <ResponsiveContainer width="100%" height={180}>
            <BarChart
              data={(returns.data?.rows ?? []).map((r) => ({
                ...r,
                label: pick(l, REASON_LABEL[r.reason], r.reason),
                v: n(r.amount),
              }))}
            >
              <XAxis dataKey="label" fontSize={11} interval={0} />
              <YAxis tickFormatter={moneyTick} fontSize={12} width={50} />
              <Tooltip
                formatter={(_v, _n, item) => [
                  `${item.payload.count} · ${formatMoney(item.payload.amount)}`,
                  '',
                ]}
              />
              <Bar dataKey="v" fill={COLORS[4]} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>

        <ChartCard
          id="cash-differences"
          title={l('Diferencias de caja (cortes Z)', 'Cash differences (Z reports)')}
          params={params}
          error={cash.error}
          wide
          summary={
            cash.data
              ? l(
                  `${cash.data.totals.sessions} cortes · faltantes ${formatMoney(cash.data.totals.shortage)} · sobrantes ${formatMoney(cash.data.totals.overage)}`,
                  `${cash.data.totals.sessions} sessions · short ${formatMoney(cash.data.totals.shortage)} · over ${formatMoney(cash.data.totals.overage)}`,
                )
              : undefined
          }
        >
          <div className="bo-split">
            <ResponsiveContainer width="100%" height={180}>
              <BarChart
                data={(cash.data?.rows ?? []).map((r) => ({
                  ...r,
                  label: `${r.registerName} ${formatDateTime(r.closedAt).slice(0, 5)}`,
                  v: n(r.difference),
                }))}
              >
                <XAxis dataKey="label" fontSize={11} />
                <YAxis
                  fontSize={12}
                  width={45}
                  domain={[(min: number) => Math.min(0, min), (max: number) => Math.max(0, max)]}
                />
                <Tooltip
                  formatter={(_v, _n, item) => [
                    formatMoney(item.payload.difference),
                    l('Diferencia', 'Difference'),
                  ]}
                />
                <Bar dataKey="v" isAnimationActive={false}>
                  {(cash.data?.rows ?? []).map((r) => (
                    <Cell key={r.cashSessionId} fill={r.difference.startsWith('-') ? '#dc3545' : COLORS[0]} />
                  ))}
                </Bar>
              </BarChart>
            </ResponsiveContainer>
            <table className="lines compact">
              <thead>
                <tr>
                  <th>{l('Caja', 'Register')}</th>
                  <th>{l('Corte', 'Closed')}</th>
                  <th className="num">{l('Esperado', 'Expected')}</th>
                  <th className="num">{l('Contado', 'Counted')}</th>
                  <th className="num">{l('Diferencia', 'Difference')}</th>
                </tr>
              </thead>
              <tbody>
                {(cash.data?.rows ?? []).slice(-6).map((r) => (
                  <tr key={r.cashSessionId}>
                    <td>{r.registerName}</td>
                    <td>{formatDateTime(r.closedAt)}</td>
                    <td className="num">{formatMoney(r.expectedCash)}</td>
                    <td className="num">{formatMoney(r.countedCash)}</td>
                    <td className={`num${r.difference.startsWith('-') ? ' neg' : ''}`}>
                      {formatMoney(r.difference)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </ChartCard>

        <ChartCard
          id="inventory-accuracy"
          title={l('Exactitud de conteos', 'Count accuracy')}
          params={params}
          error={accuracy.error}
          summary={
            accuracy.data
              ? l(
                  `${accuracy.data.totals.counts} conteos · ${accuracy.data.totals.linesExact} de ${accuracy.data.totals.linesCounted} líneas exactas (meta: más de 98 %)`,
                  `${accuracy.data.totals.counts} counts · ${accuracy.data.totals.linesExact} of ${accuracy.data.totals.linesCounted} lines exact (goal: over 98%)`,
                )
              : undefined
          }
        >
          <ResponsiveContainer width="100%" height={160}>
            <BarChart
              data={(accuracy.data?.rows ?? []).map((r) => ({
                ...r,
                label: `${r.locationName} ${formatDateTime(r.postedAt).slice(0, 5)}`,
                v: n(r.accuracy),
              }))}
            >
              <XAxis dataKey="label" fontSize={11} />
              <YAxis domain={[0, 100]} fontSize={12} width={35} />
              <Legend />
              <Tooltip formatter={(_v, _n, item) => [`${item.payload.accuracy ?? '—'} %`, '']} />
              <Bar dataKey="v" name="%" fill={COLORS[1]} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>
      </div>
    </div>
  );
}

function RotationTable({ rows }: { rows: RotationRow[] }) {
  const l = useL();
  if (rows.length === 0)
    return <p className="muted">{l('Sin productos con existencia.', 'No stocked products.')}</p>;
  return (
    <table className="lines compact">
      <thead>
        <tr>
          <th>{l('Producto', 'Product')}</th>
          <th className="num">{l('Vendidas', 'Sold')}</th>
          <th className="num">{l('Existencia', 'On hand')}</th>
          <th className="num">{l('Rotación', 'Rotation')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.skuId}>
            <td>{r.name}</td>
            <td className="num">{formatQuantity(r.units)}</td>
            <td className="num">{formatQuantity(r.onHand)}</td>
            <td className="num">{r.rotation ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
