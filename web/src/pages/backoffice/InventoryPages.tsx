import { useInfiniteQuery, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { D } from '@server/shared/money.js';
import { ApiError, api, get, post, usePostOnce, qs } from '../../lib/api';
import { formatDateTime, formatQuantity } from '../../lib/format';
import { MOVEMENT_REASON_LABEL, pick, useL } from './lang';
import { refreshStock, type StockLevel, useLevelsOf } from './levels';
import type { Page } from './types';
import {
  ErrorBox,
  Field,
  Loading,
  LocationSelect,
  PageHeader,
  SearchPicker,
  ShowMore,
  useDebounced,
  useLocations,
} from './ui';

interface Movement {
  id: number;
  skuId: string;
  locationId: string;
  quantity: string;
  reason: string;
  refType: string | null;
  refId: string | null;
  note: string | null;
  createdAt: string;
}
interface Transfer {
  id: string;
  fromLocationId: string;
  toLocationId: string;
  status: 'draft' | 'sent' | 'received' | 'cancelled';
  note: string | null;
  lines: { skuId: string; quantity: string; quantityReceived: string | null; difference: string | null }[];
  createdAt: string;
}
interface StockCount {
  id: string;
  locationId: string;
  status: 'open' | 'posted' | 'cancelled';
  note: string | null;
  lines: { skuId: string; expected: string; counted: string | null; variance: string | null }[];
  linesCounted: number | null;
  linesExact: number | null;
  accuracy: string | null;
  createdAt: string;
  postedAt: string | null;
}
interface Reservation {
  id: string;
  skuId: string;
  locationId: string;
  quantity: string;
  holderType: string;
  holderId: string;
  status: string;
  expiresAt: string;
  createdAt: string;
}

/** Levels per SKU and location; `q` searches name, SKU or barcode on the server, page by page. */
function useLevelPages(locationId: string, q: string, pageSize = 200) {
  return useInfiniteQuery({
    queryKey: ['levels', locationId, q, pageSize],
    initialPageParam: '',
    queryFn: ({ pageParam }) =>
      get<Page<StockLevel>>(
        `/inventory/levels${qs({ locationId: locationId || undefined, q: q.trim() || undefined, limit: pageSize, cursor: pageParam || undefined })}`,
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/**
 * How a page names the SKUs it shows ("Coca-Cola 600 ml (LE-0001)") and its locations: the
 * names of exactly the SKUs given, whatever the size of the catalog.
 */
function useNames(skuIds: readonly string[] = []) {
  const locations = useLocations();
  const levels = useLevelsOf(skuIds, 5 * 60_000);
  const skuNames = new Map(levels.map((x) => [x.skuId, `${x.productName} (${x.sku})`]));
  const loc = new Map((locations.data ?? []).map((x) => [x.id, x.name]));
  return {
    sku: (id: string) => skuNames.get(id) ?? id,
    loc: (id: string) => loc.get(id) ?? id,
  };
}

/** Stock by location (on hand, reserved, available) and the ledger, filterable. */
export function StockPage() {
  const l = useL();
  const [locationId, setLocationId] = useState('');
  const [q, setQ] = useState('');
  const [reason, setReason] = useState('');
  const [skuId, setSkuId] = useState('');
  const search = useDebounced(q);
  const levels = useLevelPages(locationId, search);
  const movements = useQuery({
    queryKey: ['movements', locationId, reason, skuId],
    queryFn: () =>
      get<Page<Movement>>(
        `/inventory/movements${qs({ locationId: locationId || undefined, reason: reason || undefined, skuId: skuId || undefined, limit: 100 })}`,
      ),
  });
  const shown = (levels.data?.pages ?? []).flatMap((p) => p.items);
  const names = useNames([...(movements.data?.items ?? []).map((m) => m.skuId), ...(skuId ? [skuId] : [])]);
  return (
    <div>
      <PageHeader title={l('Existencias', 'Stock')}>
        <LocationSelect value={locationId} onChange={setLocationId} />
      </PageHeader>
      <div className="bo-two">
        <section className="card bo-section">
          <h2>{l('Por sucursal', 'By location')}</h2>
          <input
            type="search"
            aria-label={l('Buscar producto', 'Search product')}
            placeholder={l('Buscar por producto, SKU o código…', 'Search by product, SKU or barcode…')}
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
          <ErrorBox error={levels.error} />
          <div className="bo-scroll">
            <table className="lines compact" data-testid="levels-table">
              <thead>
                <tr>
                  <th>{l('Producto', 'Product')}</th>
                  <th>{l('Sucursal', 'Location')}</th>
                  <th className="num">{l('Existencia', 'On hand')}</th>
                  <th className="num">{l('Apartado', 'Reserved')}</th>
                  <th className="num">{l('Disponible', 'Available')}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((x) => (
                  <tr
                    key={`${x.skuId}-${x.locationId}`}
                    className={
                      x.reorderPoint !== null && new D(x.available).lte(x.reorderPoint) ? 'row-warn' : ''
                    }
                    onClick={() => setSkuId(x.skuId === skuId ? '' : x.skuId)}
                  >
                    <td>
                      {x.productName} <span className="muted">{x.sku}</span>
                    </td>
                    <td>{names.loc(x.locationId)}</td>
                    <td className="num">{formatQuantity(x.onHand)}</td>
                    <td className="num">{formatQuantity(x.reserved)}</td>
                    <td className="num strong">{formatQuantity(x.available)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <ShowMore query={levels} />
            {levels.isSuccess && shown.length === 0 ? (
              <p className="muted">{l('Ningún producto coincide.', 'No product matches.')}</p>
            ) : null}
          </div>
        </section>
        <section className="card bo-section">
          <h2>{l('Movimientos (kárdex)', 'Movements (ledger)')}</h2>
          <div className="bo-filters">
            <select
              aria-label={l('Motivo', 'Reason')}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            >
              <option value="">{l('Todos los motivos', 'All reasons')}</option>
              {Object.keys(MOVEMENT_REASON_LABEL).map((k) => (
                <option key={k} value={k}>
                  {pick(l, MOVEMENT_REASON_LABEL[k], k)}
                </option>
              ))}
            </select>
            {skuId ? (
              <button type="button" className="chip on" onClick={() => setSkuId('')}>
                {names.sku(skuId)} ✕
              </button>
            ) : (
              <span className="muted small">
                {l('Toca un producto para ver solo sus movimientos.', 'Click a product to filter.')}
              </span>
            )}
          </div>
          <ErrorBox error={movements.error} />
          <div className="bo-scroll">
            <table className="lines compact" data-testid="movements-table">
              <thead>
                <tr>
                  <th>{l('Fecha', 'Date')}</th>
                  <th>{l('Producto', 'Product')}</th>
                  <th>{l('Motivo', 'Reason')}</th>
                  <th className="num">{l('Cantidad', 'Quantity')}</th>
                </tr>
              </thead>
              <tbody>
                {(movements.data?.items ?? []).map((m) => (
                  <tr key={m.id}>
                    <td>{formatDateTime(m.createdAt)}</td>
                    <td>
                      {names.sku(m.skuId)}
                      <div className="muted small">{names.loc(m.locationId)}</div>
                    </td>
                    <td>{pick(l, MOVEMENT_REASON_LABEL[m.reason], m.reason)}</td>
                    <td className={`num${m.quantity.startsWith('-') ? ' neg' : ''}`}>
                      {formatQuantity(m.quantity)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </div>
    </div>
  );
}

const TRANSFER_STATUS: Record<Transfer['status'], [string, string]> = {
  draft: ['Borrador', 'Draft'],
  sent: ['Enviado', 'Sent'],
  received: ['Recibido', 'Received'],
  cancelled: ['Cancelado', 'Cancelled'],
};

let lineSeq = 0;
const newLine = () => ({ uid: ++lineSeq, skuId: '', quantity: '' });

/**
 * A product with stock at `locationId`, found by typing part of its name, SKU or barcode: the
 * server searches, so it works the same with 200 products or 50,000.
 */
function SkuPicker({
  locationId,
  value,
  onChange,
  error,
}: {
  locationId: string;
  value: string;
  onChange: (skuId: string) => void;
  error?: string;
}) {
  const l = useL();
  const [chosen, setChosen] = useState<StockLevel | null>(null);
  return (
    <SearchPicker<StockLevel>
      label={l('Producto', 'Product')}
      searchLabel={l('Buscar producto', 'Find product')}
      placeholder={
        locationId
          ? l('Nombre, SKU o código…', 'Name, SKU or barcode…')
          : l('Elige de dónde sale', 'Choose where it leaves')
      }
      queryKey={['sku-picker', locationId]}
      enabled={locationId !== ''}
      search={(q) =>
        get<Page<StockLevel>>(`/inventory/levels${qs({ locationId, q: q || undefined, limit: 30 })}`).then(
          (r) => r.items.filter((x) => new D(x.available).gt(0)),
        )
      }
      value={chosen && chosen.skuId === value ? chosen : null}
      onChange={(x) => {
        setChosen(x);
        onChange(x?.skuId ?? '');
      }}
      idOf={(x) => x.skuId}
      labelOf={(x) => `${x.productName} (${l('disp.', 'avail.')} ${formatQuantity(x.available)})`}
      error={error}
    />
  );
}

/** Transfers between locations: create, send, receive, cancel. */
export function TransfersPage() {
  const l = useL();
  const qc = useQueryClient();
  const list = useQuery({
    queryKey: ['transfers'],
    queryFn: () => get<{ items: Transfer[] }>('/inventory/transfers').then((r) => r.items),
  });
  const names = useNames((list.data ?? []).flatMap((t) => t.lines.map((x) => x.skuId)));
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [lines, setLines] = useState<{ uid: number; skuId: string; quantity: string }[]>([newLine()]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const postOnce = usePostOnce();
  const create = useMutation({
    mutationFn: () =>
      postOnce<Transfer>('/inventory/transfers', {
        fromLocationId: from,
        toLocationId: to,
        lines: lines.filter((x) => x.skuId).map(({ skuId, quantity }) => ({ skuId, quantity })),
      }),
    onSuccess: () => {
      setLines([newLine()]);
      setErrors({});
      void qc.invalidateQueries({ queryKey: ['transfers'] });
    },
    onError: (err) => setErrors(err instanceof ApiError ? err.fieldErrors() : {}),
  });
  // receiving with differences: what arrived of each line, typed by whoever unpacks it
  const [receiving, setReceiving] = useState<{ id: string; qty: Record<string, string> } | null>(null);
  const act = useMutation({
    mutationFn: ({
      id,
      action,
      body,
    }: {
      id: string;
      action: 'send' | 'receive' | 'cancel';
      body?: Record<string, unknown>;
    }) => post<Transfer>(`/inventory/transfers/${id}/${action}`, body ?? {}),
    onSuccess: () => {
      setReceiving(null);
      void qc.invalidateQueries({ queryKey: ['transfers'] });
      refreshStock(qc);
    },
  });
  return (
    <div>
      <PageHeader title={l('Traspasos entre sucursales', 'Transfers')} />
      <section className="card bo-section">
        <h2>{l('Nuevo traspaso', 'New transfer')}</h2>
        <div className="bo-filters">
          <LocationSelect value={from} onChange={setFrom} allowAll={false} label={l('Sale de', 'From')} />
          <LocationSelect value={to} onChange={setTo} allowAll={false} label={l('Llega a', 'To')} />
        </div>
        {lines.map((line, i) => (
          <div className="bo-row" key={line.uid}>
            <SkuPicker
              locationId={from}
              value={line.skuId}
              error={errors[`lines.${i}.skuId`]}
              onChange={(skuId) => setLines(lines.map((x, j) => (j === i ? { ...x, skuId } : x)))}
            />
            <Field label={l('Cantidad', 'Quantity')} error={errors[`lines.${i}.quantity`]}>
              <input
                inputMode="decimal"
                value={line.quantity}
                onChange={(e) =>
                  setLines(lines.map((x, j) => (j === i ? { ...x, quantity: e.target.value } : x)))
                }
              />
            </Field>
          </div>
        ))}
        <div className="bo-row">
          <button type="button" className="button small" onClick={() => setLines([...lines, newLine()])}>
            {l('Otra línea', 'Add line')}
          </button>
          <button
            type="button"
            className="button primary"
            disabled={!from || !to || create.isPending}
            onClick={() => create.mutate()}
          >
            {l('Crear traspaso', 'Create transfer')}
          </button>
        </div>
        <ErrorBox error={Object.keys(errors).length ? null : create.error} />
      </section>
      <ErrorBox error={act.error ?? list.error} />
      <section className="card bo-section">
        <table className="lines compact">
          <thead>
            <tr>
              <th>{l('Fecha', 'Date')}</th>
              <th>{l('De → a', 'From → to')}</th>
              <th>{l('Productos', 'Products')}</th>
              <th>{l('Estado', 'Status')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(list.data ?? []).map((t) => (
              <tr key={t.id}>
                <td>{formatDateTime(t.createdAt)}</td>
                <td>
                  {names.loc(t.fromLocationId)} → {names.loc(t.toLocationId)}
                </td>
                <td>
                  {t.lines.map((x) => (
                    <div key={x.skuId}>
                      {formatQuantity(x.quantity)} × {names.sku(x.skuId)}
                      {receiving?.id === t.id ? (
                        <input
                          className="qty"
                          inputMode="decimal"
                          aria-label={`${l('Recibido', 'Received')} ${names.sku(x.skuId)}`}
                          value={receiving.qty[x.skuId] ?? ''}
                          onChange={(e) =>
                            setReceiving({
                              ...receiving,
                              qty: { ...receiving.qty, [x.skuId]: e.target.value },
                            })
                          }
                        />
                      ) : null}
                      {x.difference !== null && !new D(x.difference).isZero() ? (
                        <span className="neg" data-testid="transfer-difference">
                          {' '}
                          ({l('llegaron', 'arrived')} {formatQuantity(x.quantityReceived ?? '0')},{' '}
                          {new D(x.difference).isNeg() ? l('faltaron', 'missing') : l('sobraron', 'extra')}{' '}
                          {formatQuantity(new D(x.difference).abs().toString())})
                        </span>
                      ) : null}
                    </div>
                  ))}
                </td>
                <td>{pick(l, TRANSFER_STATUS[t.status], t.status)}</td>
                <td className="bo-row">
                  {t.status === 'draft' ? (
                    <button
                      type="button"
                      className="button small"
                      onClick={() => act.mutate({ id: t.id, action: 'send' })}
                    >
                      {l('Enviar', 'Send')}
                    </button>
                  ) : null}
                  {t.status === 'sent' ? (
                    <button
                      type="button"
                      className="button small"
                      onClick={() => act.mutate({ id: t.id, action: 'receive' })}
                    >
                      {l('Recibir completo', 'Receive all')}
                    </button>
                  ) : null}
                  {t.status === 'sent' && receiving?.id !== t.id ? (
                    <button
                      type="button"
                      className="button small"
                      onClick={() =>
                        setReceiving({
                          id: t.id,
                          qty: Object.fromEntries(t.lines.map((x) => [x.skuId, formatQuantity(x.quantity)])),
                        })
                      }
                    >
                      {l('Recibir con diferencias…', 'Receive with differences…')}
                    </button>
                  ) : null}
                  {receiving?.id === t.id ? (
                    <button
                      type="button"
                      className="button small primary"
                      onClick={() =>
                        act.mutate({
                          id: t.id,
                          action: 'receive',
                          body: {
                            lines: Object.entries(receiving.qty).map(([skuId, q]) => ({
                              skuId,
                              quantityReceived: q.trim(),
                            })),
                          },
                        })
                      }
                    >
                      {l('Confirmar lo que llegó', 'Confirm what arrived')}
                    </button>
                  ) : null}
                  {t.status === 'draft' || t.status === 'sent' ? (
                    <button
                      type="button"
                      className="link"
                      onClick={() => act.mutate({ id: t.id, action: 'cancel' })}
                    >
                      {l('Cancelar', 'Cancel')}
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}

/** Cycle counts: start one for a location, capture what is on the shelf, post it, see accuracy. */
export function CountsPage() {
  const l = useL();
  const qc = useQueryClient();
  const [locationId, setLocationId] = useState('');
  const [openId, setOpenId] = useState<string | null>(null);
  const [counted, setCounted] = useState<Record<string, string>>({});
  const list = useQuery({
    queryKey: ['counts'],
    queryFn: () => get<{ items: StockCount[] }>('/inventory/counts').then((r) => r.items),
  });
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['counts'] });
    refreshStock(qc);
  };
  const create = useMutation({
    mutationFn: () => post<StockCount>('/inventory/counts', { locationId }),
    onSuccess: (c) => {
      setOpenId(c.id);
      refresh();
    },
  });
  const save = useMutation({
    mutationFn: async (andPost: boolean) => {
      const lines = Object.entries(counted)
        .filter(([, v]) => v.trim() !== '')
        .map(([skuId, countedQuantity]) => ({ skuId, countedQuantity: countedQuantity.trim() }));
      if (lines.length > 0) await post(`/inventory/counts/${openId}/lines`, { lines });
      if (andPost) await post(`/inventory/counts/${openId}/post`, {});
    },
    onSuccess: (_r, andPost) => {
      if (andPost) {
        setOpenId(null);
        setCounted({});
      }
      refresh();
    },
  });
  const open = (list.data ?? []).find((c) => c.id === openId);
  // the open sheet's products and the differences of the posted ones
  const names = useNames(
    (list.data ?? []).flatMap((c) =>
      c.id === openId
        ? c.lines.map((x) => x.skuId)
        : c.lines.filter((x) => x.variance !== null && !/^-?0(\.0+)?$/.test(x.variance)).map((x) => x.skuId),
    ),
  );
  const posted = (list.data ?? []).filter((c) => c.status === 'posted');
  const sumC = posted.reduce((n, c) => n + (c.linesCounted ?? 0), 0);
  const sumE = posted.reduce((n, c) => n + (c.linesExact ?? 0), 0);
  return (
    <div>
      <PageHeader title={l('Conteos cíclicos', 'Cycle counts')}>
        <span className="badge">
          {l('Exactitud', 'Accuracy')}: {sumC ? `${((sumE * 100) / sumC).toFixed(2)} %` : '—'} (
          {l('meta', 'goal')} &gt; 98 %)
        </span>
      </PageHeader>
      <section className="card bo-section">
        <div className="bo-filters">
          <LocationSelect value={locationId} onChange={setLocationId} allowAll={false} />
          <button
            type="button"
            className="button primary"
            disabled={!locationId || create.isPending}
            onClick={() => create.mutate()}
          >
            {l('Empezar conteo', 'Start count')}
          </button>
        </div>
        <ErrorBox error={create.error ?? save.error ?? list.error} />
      </section>
      {open ? (
        <section className="card bo-section" data-testid="open-count">
          <h2>
            {l('Conteo en', 'Count at')} {names.loc(open.locationId)}
          </h2>
          <div className="bo-scroll">
            <table className="lines compact">
              <thead>
                <tr>
                  <th>{l('Producto', 'Product')}</th>
                  <th className="num">{l('Sistema', 'System')}</th>
                  <th className="num">{l('Contado', 'Counted')}</th>
                </tr>
              </thead>
              <tbody>
                {open.lines.map((x) => (
                  <tr key={x.skuId}>
                    <td>{names.sku(x.skuId)}</td>
                    <td className="num">{formatQuantity(x.expected)}</td>
                    <td className="num">
                      <input
                        className="qty"
                        inputMode="decimal"
                        aria-label={`${l('Contado', 'Counted')} ${names.sku(x.skuId)}`}
                        value={counted[x.skuId] ?? x.counted ?? ''}
                        onChange={(e) => setCounted({ ...counted, [x.skuId]: e.target.value })}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="bo-row">
            <button type="button" className="button" onClick={() => save.mutate(false)}>
              {l('Guardar avance', 'Save progress')}
            </button>
            <button type="button" className="button primary" onClick={() => save.mutate(true)}>
              {l('Aplicar conteo', 'Post count')}
            </button>
          </div>
        </section>
      ) : null}
      <section className="card bo-section">
        <table className="lines compact">
          <thead>
            <tr>
              <th>{l('Fecha', 'Date')}</th>
              <th>{l('Sucursal', 'Location')}</th>
              <th>{l('Estado', 'Status')}</th>
              <th className="num">{l('Líneas', 'Lines')}</th>
              <th className="num">{l('Exactitud', 'Accuracy')}</th>
              <th>{l('Diferencias', 'Differences')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(list.data ?? []).map((c) => (
              <tr key={c.id}>
                <td>
                  {formatDateTime(c.postedAt ?? c.createdAt)}
                  {c.note ? <div className="small muted">{c.note}</div> : null}
                </td>
                <td>{names.loc(c.locationId)}</td>
                <td>
                  {c.status === 'posted'
                    ? l('Aplicado', 'Posted')
                    : c.status === 'open'
                      ? l('Abierto', 'Open')
                      : l('Cancelado', 'Cancelled')}
                </td>
                <td className="num">{c.linesCounted ?? c.lines.length}</td>
                <td className="num">{c.accuracy ? `${c.accuracy} %` : '—'}</td>
                <td className="small" data-testid="count-differences">
                  {c.status !== 'posted'
                    ? ''
                    : (() => {
                        // what the shelf had against the system, posted as adjustments
                        const off = c.lines.filter(
                          (x) => x.variance !== null && !/^-?0(\.0+)?$/.test(x.variance),
                        );
                        return off.length === 0
                          ? l('Ninguna', 'None')
                          : off
                              .map(
                                (x) =>
                                  `${names.sku(x.skuId)} ${x.variance!.startsWith('-') ? '−' : '+'}${formatQuantity(x.variance!.replace(/^-/, ''))}`,
                              )
                              .join(', ');
                      })()}
                </td>
                <td>
                  {c.status === 'open' ? (
                    <button type="button" className="button small" onClick={() => setOpenId(c.id)}>
                      {l('Capturar', 'Enter counts')}
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}

/** Stock held for orders and carts that have not expired yet. */
export function ReservationsPage() {
  const l = useL();
  const qc = useQueryClient();
  const pages = useInfiniteQuery({
    queryKey: ['reservations'],
    initialPageParam: '',
    queryFn: ({ pageParam }) =>
      get<Page<Reservation>>(
        `/inventory/reservations${qs({ status: 'active', limit: 200, cursor: pageParam || undefined })}`,
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 30_000,
  });
  const list = { ...pages, data: pages.data ? pages.data.pages.flatMap((p) => p.items) : undefined };
  const names = useNames((list.data ?? []).map((r) => r.skuId));
  // who holds the stock, as people know it: the order's number and customer
  const orderIds = [
    ...new Set((list.data ?? []).filter((r) => r.holderType === 'order').map((r) => r.holderId)),
  ];
  const orders = useQueries({
    queries: orderIds.slice(0, 50).map((id) => ({
      queryKey: ['order', id],
      staleTime: 60_000,
      queryFn: () => get<{ id: string; number: number; customer: { name: string } | null }>(`/orders/${id}`),
    })),
  });
  const orderLabel = new Map(
    orders.flatMap((q) =>
      q.data
        ? [[q.data.id, `#${q.data.number}${q.data.customer?.name ? ` · ${q.data.customer.name}` : ''}`]]
        : [],
    ),
  );
  const release = useMutation({
    mutationFn: (id: string) => api('POST', `/inventory/reservations/${id}/release`, {}),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['reservations'] }),
  });
  const HOLDER: Record<string, [string, string]> = {
    order: ['Pedido', 'Order'],
    whatsapp_cart: ['Carrito de WhatsApp', 'WhatsApp cart'],
    online_order: ['Pedido en línea', 'Online order'],
  };
  return (
    <div>
      <PageHeader title={l('Apartados vigentes', 'Reservations in force')} />
      <ErrorBox error={list.error ?? release.error} />
      {list.isLoading ? <Loading /> : null}
      <section className="card bo-section">
        <table className="lines compact">
          <thead>
            <tr>
              <th>{l('Producto', 'Product')}</th>
              <th>{l('Sucursal', 'Location')}</th>
              <th className="num">{l('Cantidad', 'Quantity')}</th>
              <th>{l('Para', 'For')}</th>
              <th>{l('Vence', 'Expires')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(list.data ?? []).map((r) => (
              <tr key={r.id}>
                <td>{names.sku(r.skuId)}</td>
                <td>{names.loc(r.locationId)}</td>
                <td className="num">{formatQuantity(r.quantity)}</td>
                <td>
                  {pick(l, HOLDER[r.holderType], r.holderType)}{' '}
                  {orderLabel.has(r.holderId) ? (
                    <Link to="/admin/orders">{orderLabel.get(r.holderId)}</Link>
                  ) : (
                    <span className="muted small">{r.holderId}</span>
                  )}
                </td>
                <td>{formatDateTime(r.expiresAt)}</td>
                <td>
                  <button type="button" className="link" onClick={() => release.mutate(r.id)}>
                    {l('Liberar', 'Release')}
                  </button>
                </td>
              </tr>
            ))}
            {list.data?.length === 0 ? (
              <tr>
                <td colSpan={6} className="muted">
                  {l('No hay apartados vigentes.', 'No active reservations.')}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
        <ShowMore query={pages} />
      </section>
    </div>
  );
}
