import type { zCustomer } from '@server/modules/customers/customers.schemas.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { z } from 'zod';
import { Link, useSearchParams } from 'react-router-dom';
import { isManager, useAuth } from '../../app/auth';
import { API_BASE, ApiError, api, get, post, qs } from '../../lib/api';
import type { CashReport, CashSession, Register } from '../../lib/endpoints';
import { CashReportView } from '../terminal/CashPanel';
import { formatDateTime, formatMoney, formatPhone } from '../../lib/format';
import { CHANNEL_LABEL, type Channel, ORDER_STATUS_LABEL, pick, ROLE_HELP, ROLE_LABEL, useL } from './lang';
import { BusinessTextForm } from './BusinessTextForm';
import { CustomerAccount } from './CustomerAccount';
import { CustomerForm } from './CustomerForm';
import { OrderForm } from './OrderForm';
import { CustomerPrivacy, PrivacyNoticeForm, RetentionForm } from './PrivacyPages';
import type { Page } from './types';
import { ErrorBox, Field, Loading, LocationSelect, PageHeader, useLocations } from './ui';

interface Order {
  id: string;
  number: number;
  channel: Channel;
  locationId: string;
  customerId: string | null;
  customer: { name: string; phone: string | null; email: string | null } | null;
  status: string;
  nextStatuses: string[];
  fulfilment: 'pickup' | 'delivery' | 'dine_in';
  deliveryAddress: string | null;
  deliveryNotes: string | null;
  notes: string | null;
  total: string;
  balance: string;
  paymentStatus: string;
  lines: { description: string; quantity: string }[];
  createdAt: string;
}

const BOARD = ['new', 'confirmed', 'preparing', 'ready', 'out_for_delivery', 'delivered'] as const;

const FULFILMENT_LABEL: Record<Order['fulfilment'], [string, string]> = {
  pickup: ['Recoge en tienda', 'Pickup'],
  delivery: ['A domicilio', 'Delivery'],
  dine_in: ['Para comer aquí', 'Dine-in'],
};

/** Orders from every channel, one column per status; each card moves to its next status. */
export function OrdersBoardPage() {
  const l = useL();
  const qc = useQueryClient();
  const [channel, setChannel] = useState('');
  const [locationId, setLocationId] = useState('');
  const [taking, setTaking] = useState(false);
  const [taken, setTaken] = useState<string | null>(null);
  const board = useQuery({
    queryKey: ['orders-board', channel, locationId],
    queryFn: async () => {
      const lists = await Promise.all(
        BOARD.map((status) =>
          get<Page<Order>>(
            `/orders${qs({ status, channel: channel || undefined, locationId: locationId || undefined, limit: 30 })}`,
          ),
        ),
      );
      return Object.fromEntries(BOARD.map((s, i) => [s, lists[i]!.items])) as Record<string, Order[]>;
    },
    refetchInterval: 15_000,
  });
  const move = useMutation({
    mutationFn: ({ id, status }: { id: string; status: string }) => post(`/orders/${id}/status`, { status }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['orders-board'] }),
  });
  return (
    <div>
      <PageHeader title={l('Pedidos', 'Orders')}>
        <label className="bo-inline">
          <span>{l('Canal', 'Channel')}</span>
          <select value={channel} onChange={(e) => setChannel(e.target.value)}>
            <option value="">{l('Todos', 'All')}</option>
            {(Object.keys(CHANNEL_LABEL) as Channel[]).map((c) => (
              <option key={c} value={c}>
                {pick(l, CHANNEL_LABEL[c], c)}
              </option>
            ))}
          </select>
        </label>
        <LocationSelect value={locationId} onChange={setLocationId} />
        <button
          type="button"
          className="button small primary"
          onClick={() => {
            setTaking(!taking);
            setTaken(null);
          }}
        >
          {taking ? l('Cerrar', 'Close') : l('Nuevo pedido', 'New order')}
        </button>
      </PageHeader>
      {taken ? (
        <p className="badge ok" role="status">
          {taken}
        </p>
      ) : null}
      {taking ? (
        <OrderForm
          onDone={(message) => {
            setTaking(false);
            setTaken(message);
          }}
        />
      ) : null}
      <ErrorBox error={board.error ?? move.error} />
      <div className="bo-board" data-testid="orders-board">
        {BOARD.map((status) => (
          <section key={status} className="bo-column">
            <h2>
              {pick(l, ORDER_STATUS_LABEL[status], status)}{' '}
              <span className="badge">{board.data?.[status]?.length ?? 0}</span>
            </h2>
            {(board.data?.[status] ?? []).map((o) => (
              <article key={o.id} className="card bo-order">
                <div className="bo-row">
                  <strong>#{o.number}</strong>
                  <span className={`badge ch-${o.channel}`}>
                    {pick(l, CHANNEL_LABEL[o.channel], o.channel)}
                  </span>
                </div>
                <div className="small bo-order-who">
                  {o.customer ? (
                    <>
                      <strong>{o.customer.name || l('Cliente sin nombre', 'Unnamed customer')}</strong>
                      {o.customer.phone ? (
                        <a href={`tel:${o.customer.phone}`}>{formatPhone(o.customer.phone)}</a>
                      ) : null}
                    </>
                  ) : null}
                  <span className="muted">{pick(l, FULFILMENT_LABEL[o.fulfilment], o.fulfilment)}</span>
                  {o.fulfilment === 'delivery' && o.deliveryAddress ? <span>{o.deliveryAddress}</span> : null}
                  {o.deliveryNotes ? <span className="muted">{o.deliveryNotes}</span> : null}
                  {o.notes ? <em>“{o.notes}”</em> : null}
                </div>
                <div className="small">
                  {o.lines
                    .slice(0, 3)
                    .map((x) => `${x.quantity.replace(/\.000$/, '')} × ${x.description}`)
                    .join(', ')}
                  {o.lines.length > 3 ? '…' : ''}
                </div>
                <div className="bo-row small">
                  <span>{formatMoney(o.total)}</span>
                  <span className="muted">{formatDateTime(o.createdAt)}</span>
                </div>
                <div className="bo-row">
                  {o.nextStatuses.map((s) => (
                    <button
                      type="button"
                      key={s}
                      className={`button small${s === 'cancelled' ? ' danger' : ''}`}
                      onClick={() => {
                        if (
                          s === 'cancelled' &&
                          !window.confirm(
                            l(
                              `¿Cancelar el pedido #${o.number}? Se libera la mercancía apartada.`,
                              `Cancel order #${o.number}? Its held stock is released.`,
                            ),
                          )
                        )
                          return;
                        move.mutate({ id: o.id, status: s });
                      }}
                    >
                      {s === 'cancelled' ? l('Cancelar', 'Cancel') : `→ ${pick(l, ORDER_STATUS_LABEL[s], s)}`}
                    </button>
                  ))}
                </div>
              </article>
            ))}
          </section>
        ))}
      </div>
    </div>
  );
}

/** A customer as the routes answer it (their own schema, as a type). */
type Customer = z.output<typeof zCustomer>;
interface History {
  entries: {
    kind: 'order' | 'sale';
    id: string;
    channel: string;
    status: string | null;
    total: string;
    createdAt: string;
  }[];
  totals: { orders: number; sales: number; spent: string };
}
interface Consent {
  id: number;
  granted: boolean;
  channel: string;
  note: string | null;
  at: string;
}

/** Customers: search, purchase history across channels, marketing consent with its record. */
export function CustomersPage() {
  const l = useL();
  const qc = useQueryClient();
  const [q, setQ] = useState('');
  // ?customer= opens a card directly (from the ARCO requests page)
  const [params, setParams] = useSearchParams();
  const selected = params.get('customer');
  const setSelected = (id: string) => setParams({ customer: id }, { replace: true });
  const [notice, setNotice] = useState<string | null>(null);
  const [editing, setEditing] = useState<'new' | 'edit' | null>(null);
  // ARCO requests and erasure are the managers' (agents see contact and history)
  const manager = isManager(useAuth().user);
  const list = useQuery({
    queryKey: ['customers', q],
    queryFn: () => get<Page<Customer>>(`/customers${qs({ q: q.trim() || undefined, limit: 50 })}`),
  });
  // who owes on account (managers): a column of the list, for the customers on it
  const shownIds = (list.data?.items ?? []).map((c) => c.id);
  const receivable = useQuery({
    queryKey: ['receivables', 'by-customer', shownIds],
    queryFn: () =>
      get<{ items: { customerId: string; balance: string }[] }>(
        `/accounts/receivable${qs({ customerIds: shownIds.join(','), limit: shownIds.length })}`,
      ).then((r) => new Map(r.items.map((x) => [x.customerId, x.balance]))),
    enabled: manager && shownIds.length > 0,
  });
  const detail = useQuery({
    queryKey: ['customer', selected],
    queryFn: () => get<Customer>(`/customers/${selected}`),
    enabled: !!selected,
  });
  const customer = detail.data;
  const history = useQuery({
    queryKey: ['customer-history', selected],
    queryFn: () => get<History>(`/customers/${selected}/history`),
    enabled: !!selected,
  });
  const consents = useQuery({
    queryKey: ['customer-consent', selected],
    queryFn: () => get<{ items: Consent[] }>(`/customers/${selected}/consent`).then((r) => r.items),
    enabled: !!selected,
  });
  const consent = useMutation({
    mutationFn: (granted: boolean) => post(`/customers/${selected}/consent`, { granted, channel: 'counter' }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['customers'] });
      void qc.invalidateQueries({ queryKey: ['customer', selected] });
      void qc.invalidateQueries({ queryKey: ['customer-consent', selected] });
    },
  });
  return (
    <div>
      <PageHeader title={l('Clientes', 'Customers')}>
        <button
          type="button"
          className="button small primary"
          onClick={() => {
            setNotice(null);
            setEditing('new');
          }}
        >
          {l('Nuevo cliente', 'New customer')}
        </button>
        {manager ? (
          <Link className="button small" to="/admin/customers/import">
            {l('Importar clientes y saldos', 'Import customers and balances')}
          </Link>
        ) : null}
        {manager ? (
          <a className="button small" href={`${API_BASE}/exports/customers`} download>
            {l('Exportar CSV', 'Export CSV')}
          </a>
        ) : null}
        {manager ? (
          <Link className="button small" to="/admin/privacy">
            {l('Solicitudes ARCO', 'ARCO requests')}
          </Link>
        ) : null}
      </PageHeader>
      {notice ? (
        <p className="badge ok" role="status">
          {notice}
        </p>
      ) : null}
      <div className="bo-two">
        <section className="card bo-section">
          <input
            type="search"
            placeholder={l('Buscar por nombre, teléfono o correo…', 'Search by name, phone or e-mail…')}
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
          <ErrorBox error={list.error} />
          <div className="bo-scroll">
            <table className="lines compact">
              <thead>
                <tr>
                  <th>{l('Nombre', 'Name')}</th>
                  <th>{l('Teléfono', 'Phone')}</th>
                  {manager ? <th className="num">{l('Debe', 'Owes')}</th> : null}
                  <th>RFC</th>
                  <th>{l('Promociones', 'Marketing')}</th>
                </tr>
              </thead>
              <tbody>
                {(list.data?.items ?? []).map((c) => (
                  <tr
                    key={c.id}
                    className={c.id === selected ? 'selected' : ''}
                    onClick={() => {
                      setNotice(null);
                      setEditing(null);
                      setSelected(c.id);
                    }}
                  >
                    <td>{c.name}</td>
                    <td className="nowrap">{c.phone ? formatPhone(c.phone) : ''}</td>
                    {manager ? (
                      <td className="num">
                        {receivable.data?.get(c.id) ? formatMoney(receivable.data.get(c.id)!) : ''}
                      </td>
                    ) : null}
                    <td>{c.rfc ?? ''}</td>
                    <td>{c.marketingConsent.granted ? l('Sí acepta', 'Yes') : l('No', 'No')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <section className="card bo-section">
          {editing ? (
            <CustomerForm
              key={editing === 'edit' ? customer?.id : 'new'}
              customer={editing === 'edit' ? (customer ?? null) : null}
              onCancel={() => setEditing(null)}
              onOpen={(id) => {
                setEditing(null);
                setSelected(id);
              }}
              onSaved={(c) => {
                setEditing(null);
                setSelected(c.id);
                setNotice(l('Cliente guardado.', 'Customer saved.'));
              }}
            />
          ) : !customer ? (
            selected && detail.isLoading ? (
              <Loading />
            ) : (
              <>
                <ErrorBox error={detail.error} />
                <p className="muted">
                  {l('Elige un cliente para ver sus compras.', 'Pick a customer to see their purchases.')}
                </p>
              </>
            )
          ) : (
            <>
              <div className="bo-row">
                <h2>
                  {customer.name || (customer.erasedAt ? l('(datos eliminados)', '(data erased)') : '')}
                </h2>
                {customer.erasedAt ? null : (
                  <button type="button" className="button small" onClick={() => setEditing('edit')}>
                    {l('Editar datos', 'Edit')}
                  </button>
                )}
              </div>
              <p className="small">
                {[
                  customer.phone && formatPhone(customer.phone),
                  customer.email,
                  customer.rfc && `RFC ${customer.rfc}`,
                  customer.razonSocial,
                  customer.regimenFiscal && `${l('Régimen', 'Regime')} ${customer.regimenFiscal}`,
                  customer.usoCfdi && `${l('Uso', 'Use')} ${customer.usoCfdi}`,
                  customer.codigoPostal && `C.P. ${customer.codigoPostal}`,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </p>
              <div className="bo-row">
                <span>
                  {l('Promociones por WhatsApp/correo', 'Marketing messages')}:{' '}
                  <strong>
                    {customer.marketingConsent.granted
                      ? l('acepta', 'granted')
                      : l('no acepta', 'not granted')}
                  </strong>
                  {customer.marketingConsent.at ? ` (${formatDateTime(customer.marketingConsent.at)})` : ''}
                </span>
                {customer.erasedAt ? null : (
                  <button
                    type="button"
                    className="button small"
                    onClick={() => consent.mutate(!customer.marketingConsent.granted)}
                  >
                    {customer.marketingConsent.granted
                      ? l('Retirar consentimiento', 'Withdraw')
                      : l('Registrar consentimiento', 'Record consent')}
                  </button>
                )}
              </div>
              <ErrorBox error={consent.error ?? history.error} />
              {history.data ? (
                <>
                  <h3>
                    {l('Historial', 'History')}: {history.data.totals.sales}{' '}
                    {history.data.totals.sales === 1 ? l('venta', 'sale') : l('ventas', 'sales')} ·{' '}
                    {history.data.totals.orders}{' '}
                    {history.data.totals.orders === 1 ? l('pedido', 'order') : l('pedidos', 'orders')} ·{' '}
                    {formatMoney(history.data.totals.spent)}
                  </h3>
                  <table className="lines compact">
                    <tbody>
                      {history.data.entries.map((e) => (
                        <tr key={e.id}>
                          <td>{formatDateTime(e.createdAt)}</td>
                          <td>{e.kind === 'sale' ? l('Venta', 'Sale') : l('Pedido', 'Order')}</td>
                          <td>{pick(l, CHANNEL_LABEL[e.channel as Channel], e.channel)}</td>
                          <td className="num">{formatMoney(e.total)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </>
              ) : (
                <Loading />
              )}
              <CustomerAccount
                customerId={customer.id}
                contact={{ name: customer.name, phone: customer.phone }}
              />
              <h3>{l('Registro de consentimiento', 'Consent record')}</h3>
              <ul className="small">
                {(consents.data ?? []).map((c) => (
                  <li key={c.id}>
                    {formatDateTime(c.at)} — {c.granted ? l('aceptó', 'granted') : l('retiró', 'withdrew')} (
                    {c.channel}){c.note ? `: ${c.note}` : ''}
                  </li>
                ))}
              </ul>
              {manager ? (
                <CustomerPrivacy
                  customer={customer}
                  onErased={(r) =>
                    setNotice(
                      l(
                        `Datos personales eliminados. Se conservan ${r.kept.sales} ventas y ${r.kept.invoices} facturas, sin datos de contacto.`,
                        `Personal data erased. ${r.kept.sales} sales and ${r.kept.invoices} invoices are kept, without contact data.`,
                      ),
                    )
                  }
                />
              ) : null}
            </>
          )}
        </section>
      </div>
    </div>
  );
}

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: string;
  locationIds: string[] | null;
  active: boolean;
}

/**
 * Where a person may work: every location (null, also those added later) or the ones ticked.
 * Owners always have every location.
 */
function LocationAccess({
  value,
  onChange,
  label,
}: {
  value: string[] | null;
  onChange: (v: string[] | null) => void;
  label: string;
}) {
  const l = useL();
  const locations = useLocations();
  return (
    <fieldset className="bo-access" aria-label={label}>
      <label>
        <input
          type="checkbox"
          checked={value === null}
          // from all to some: start from the first location, never from none
          onChange={(e) =>
            onChange(e.target.checked ? null : (locations.data ?? []).slice(0, 1).map((x) => x.id))
          }
        />{' '}
        {l('Todas', 'All')}
      </label>
      {value === null
        ? null
        : (locations.data ?? []).map((loc) => (
            <label key={loc.id}>
              <input
                type="checkbox"
                checked={value.includes(loc.id)}
                // at least one: the last one ticked stays until another is
                disabled={value.length === 1 && value[0] === loc.id}
                onChange={(e) =>
                  onChange(e.target.checked ? [...value, loc.id] : value.filter((x) => x !== loc.id))
                }
              />{' '}
              {loc.name}
            </label>
          ))}
    </fieldset>
  );
}

/** Users and roles (the owner adds people and changes roles; managers only look). */
export function UsersPage() {
  const l = useL();
  const qc = useQueryClient();
  const { user } = useAuth();
  const isOwner = user?.role === 'owner';
  const locations = useLocations();
  const list = useQuery({
    queryKey: ['users'],
    queryFn: () => get<{ items: UserRow[] }>('/users').then((r) => r.items),
  });
  const blank = { name: '', email: '', role: 'cashier', password: '', locationIds: null as string[] | null };
  const [form, setForm] = useState(blank);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: () => post<UserRow>('/users', form),
    onSuccess: () => {
      setForm(blank);
      setErrors({});
      void qc.invalidateQueries({ queryKey: ['users'] });
    },
    onError: (err) => setErrors(err instanceof ApiError ? err.fieldErrors() : {}),
  });
  const patch = useMutation({
    mutationFn: ({ id, body }: { id: string; body: Partial<UserRow> }) => api('PATCH', `/users/${id}`, body),
    // the change shows at once; the list is read again either way (a refusal puts it back)
    onMutate: ({ id, body }) => {
      void qc.cancelQueries({ queryKey: ['users'] });
      qc.setQueryData<UserRow[]>(['users'], (rows) =>
        rows?.map((r) => (r.id === id ? { ...r, ...body } : r)),
      );
    },
    onSettled: () => void qc.invalidateQueries({ queryKey: ['users'] }),
  });
  const locName = new Map((locations.data ?? []).map((x) => [x.id, x.name]));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <div>
      <PageHeader title={l('Usuarios y permisos', 'Users and roles')} />
      <ErrorBox error={list.error ?? patch.error} />
      <section className="card bo-section">
        <table className="lines compact">
          <thead>
            <tr>
              <th>{l('Nombre', 'Name')}</th>
              <th>{l('Correo', 'E-mail')}</th>
              <th>{l('Puesto', 'Role')}</th>
              <th>{l('Sucursales', 'Locations')}</th>
              <th>{l('Activo', 'Active')}</th>
            </tr>
          </thead>
          <tbody>
            {(list.data ?? []).map((u) => (
              <tr key={u.id} className={u.active ? '' : 'inactive'}>
                <td>{u.name}</td>
                <td>{u.email}</td>
                <td>
                  {isOwner && u.id !== user?.id ? (
                    <select
                      value={u.role}
                      onChange={(e) => patch.mutate({ id: u.id, body: { role: e.target.value } })}
                    >
                      {Object.keys(ROLE_LABEL).map((r) => (
                        <option key={r} value={r}>
                          {pick(l, ROLE_LABEL[r], r)}
                        </option>
                      ))}
                    </select>
                  ) : (
                    pick(l, ROLE_LABEL[u.role], u.role)
                  )}
                </td>
                <td>
                  {isOwner && u.id !== user?.id && u.role !== 'owner' ? (
                    <LocationAccess
                      label={l(`Sucursales de ${u.name}`, `${u.name}'s locations`)}
                      value={u.locationIds}
                      onChange={(locationIds) => patch.mutate({ id: u.id, body: { locationIds } })}
                    />
                  ) : u.locationIds ? (
                    u.locationIds.map((id) => locName.get(id) ?? id).join(', ')
                  ) : (
                    l('Todas', 'All')
                  )}
                </td>
                <td>
                  {isOwner && u.id !== user?.id ? (
                    <input
                      type="checkbox"
                      checked={u.active}
                      onChange={(e) => patch.mutate({ id: u.id, body: { active: e.target.checked } })}
                    />
                  ) : u.active ? (
                    '✓'
                  ) : (
                    ''
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {isOwner ? (
        <form className="card bo-section" onSubmit={submit} noValidate>
          <h2>{l('Agregar usuario', 'Add user')}</h2>
          <div className="bo-grid">
            <Field label={l('Nombre', 'Name')} error={errors.name}>
              <input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
            </Field>
            <Field label={l('Correo', 'E-mail')} error={errors.email}>
              <input
                type="email"
                value={form.email}
                onChange={(e) => setForm({ ...form, email: e.target.value })}
              />
            </Field>
            <Field label={l('Puesto', 'Role')} error={errors.role}>
              <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })}>
                {Object.keys(ROLE_LABEL).map((r) => (
                  <option key={r} value={r}>
                    {pick(l, ROLE_LABEL[r], r)}
                  </option>
                ))}
              </select>
              <span className="small muted" data-testid="role-help">
                {pick(l, ROLE_HELP[form.role], '')}
              </span>
            </Field>
            {/* not a Field: its checkboxes have labels of their own, and labels do not nest */}
            <div className={`bo-field${errors.locationIds ? ' has-error' : ''}`}>
              <span>{l('Sucursales', 'Locations')}</span>
              <LocationAccess
                label={l('Sucursales del nuevo usuario', "The new user's locations")}
                value={form.locationIds}
                onChange={(locationIds) => setForm({ ...form, locationIds })}
              />
              {errors.locationIds ? (
                <span className="field-error" role="alert">
                  {errors.locationIds}
                </span>
              ) : null}
            </div>
            <Field label={l('Contraseña inicial', 'Initial password')} error={errors.password}>
              <input
                type="password"
                value={form.password}
                onChange={(e) => setForm({ ...form, password: e.target.value })}
              />
            </Field>
          </div>
          <ErrorBox error={Object.keys(errors).length ? null : create.error} />
          <button type="submit" className="button primary" disabled={create.isPending}>
            {l('Agregar', 'Add')}
          </button>
        </form>
      ) : null}
    </div>
  );
}

/** Registers per location and their cash sessions (cortes) with expected vs counted cash. */
export function CashPage() {
  const l = useL();
  const qc = useQueryClient();
  const [locationId, setLocationId] = useState('');
  const [chosenRegister, setRegisterId] = useState<string | null>(null);
  const [name, setName] = useState('');
  const locations = useLocations();
  const registers = useQuery({
    queryKey: ['registers', locationId],
    queryFn: () =>
      get<{ items: Register[] }>(`/registers${qs({ locationId: locationId || undefined })}`).then(
        (r) => r.items,
      ),
  });
  // one register: it is the one to look at
  const registerId = chosenRegister ?? (registers.data?.length === 1 ? registers.data[0]!.id : null);
  const [openSession, setOpenSession] = useState<string | null>(null);
  // a corte as the register printed it: per payment method, cash in and out, counted, difference
  const corte = useQuery({
    queryKey: ['corte', openSession],
    queryFn: () => get<CashReport>(`/cash-sessions/${openSession}/corte-x`),
    enabled: !!openSession,
  });
  const sessions = useQuery({
    queryKey: ['cash-sessions', registerId],
    queryFn: () =>
      get<{ items: CashSession[] }>(`/registers/${registerId}/cash-sessions?limit=50`).then((r) => r.items),
    enabled: !!registerId,
  });
  const create = useMutation({
    mutationFn: () => post<Register>('/registers', { locationId, name }),
    onSuccess: () => {
      setName('');
      void qc.invalidateQueries({ queryKey: ['registers'] });
    },
  });
  const locName = new Map((locations.data ?? []).map((x) => [x.id, x.name]));
  return (
    <div>
      <PageHeader title={l('Cajas y cortes', 'Registers and cash sessions')}>
        <LocationSelect value={locationId} onChange={setLocationId} />
      </PageHeader>
      <div className="bo-two bo-cash">
        <section className="card bo-section">
          <h2>{l('Cajas', 'Registers')}</h2>
          <ErrorBox error={registers.error} />
          <table className="lines compact">
            <tbody>
              {(registers.data ?? []).map((r) => (
                <tr
                  key={r.id}
                  className={r.id === registerId ? 'selected' : ''}
                  onClick={() => setRegisterId(r.id)}
                >
                  <td>{r.name}</td>
                  <td>{locName.get(r.locationId) ?? ''}</td>
                  <td>
                    {r.openCashSessionId ? (
                      <span className="badge">{l('Abierta', 'Open')}</span>
                    ) : (
                      l('Cerrada', 'Closed')
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {locationId ? (
            <div className="bo-row">
              <input
                aria-label={l('Nombre de la caja', 'Register name')}
                placeholder={l('Caja 2', 'Register 2')}
                value={name}
                onChange={(e) => setName(e.target.value)}
              />
              <button
                type="button"
                className="button small"
                disabled={!name.trim()}
                onClick={() => create.mutate()}
              >
                {l('Agregar caja', 'Add register')}
              </button>
            </div>
          ) : (
            <p className="muted small">
              {l('Elige una sucursal para agregar cajas.', 'Pick a location to add registers.')}
            </p>
          )}
          <ErrorBox error={create.error} />
        </section>
        <section className="card bo-section bo-table-card">
          <h2>{l('Turnos de caja', 'Cash sessions')}</h2>
          {!registerId ? <p className="muted">{l('Elige una caja.', 'Pick a register.')}</p> : null}
          <ErrorBox error={sessions.error} />
          <table className="lines compact">
            <thead>
              <tr>
                <th>{l('Apertura', 'Opened')}</th>
                <th>{l('Corte Z', 'Closed')}</th>
                <th className="num">{l('Fondo', 'Float')}</th>
                <th className="num">{l('Esperado', 'Expected')}</th>
                <th className="num">{l('Contado', 'Counted')}</th>
                <th className="num">{l('Diferencia', 'Difference')}</th>
              </tr>
            </thead>
            <tbody>
              {(sessions.data ?? []).map((s) => (
                <tr
                  key={s.id}
                  className={s.id === openSession ? 'selected' : ''}
                  onClick={() => setOpenSession(s.id === openSession ? null : s.id)}
                >
                  <td>{formatDateTime(s.openedAt)}</td>
                  <td>
                    {s.status === 'merged'
                      ? l(
                          'Abierto sin conexión; sus ventas se sumaron al turno abierto (fondo no sumado)',
                          'Opened offline; its sales went to the open session (float not added)',
                        )
                      : s.closedAt
                        ? formatDateTime(s.closedAt)
                        : l('Abierto', 'Open')}
                  </td>
                  <td className="num">{formatMoney(s.openingFloat)}</td>
                  <td className="num">{s.expectedCash ? formatMoney(s.expectedCash) : '—'}</td>
                  <td className="num">{s.countedCash ? formatMoney(s.countedCash) : '—'}</td>
                  <td className={`num${s.difference?.startsWith('-') ? ' neg' : ''}`}>
                    {s.difference ? formatMoney(s.difference) : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <ErrorBox error={corte.error} />
          {openSession && corte.data ? <CashReportView report={corte.data} /> : null}
        </section>
      </div>
    </div>
  );
}

/** Business locations (the owner adds stores and warehouses). */
export function SettingsPage() {
  const l = useL();
  const qc = useQueryClient();
  const { user } = useAuth();
  const locations = useLocations();
  const [form, setForm] = useState({ name: '', kind: 'store', postalCode: '', address: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: () =>
      post('/locations', {
        name: form.name,
        kind: form.kind,
        postalCode: form.postalCode.trim() || undefined,
        address: form.address.trim() || undefined,
      }),
    onSuccess: () => {
      setForm({ name: '', kind: 'store', postalCode: '', address: '' });
      setErrors({});
      void qc.invalidateQueries({ queryKey: ['locations'] });
    },
    onError: (err) => setErrors(err instanceof ApiError ? err.fieldErrors() : {}),
  });
  return (
    <div>
      <PageHeader title={l('Configuración', 'Settings')} />
      <section className="card bo-section">
        <h2>{l('Datos fiscales del negocio', 'Business fiscal data')}</h2>
        <p className="muted">
          {l(
            'La razón social, el RFC, el régimen fiscal, el CSD y las series se configuran en ',
            'Legal name, RFC, tax regime, CSD and series are set in ',
          )}
          <Link to="/admin/invoicing/setup">
            {l('Facturación › Configuración fiscal', 'Invoicing › Fiscal setup')}
          </Link>
          .
        </p>
      </section>
      {/* the message printed at the bottom of every ticket */}
      <BusinessTextForm
        field="receiptFooter"
        title={l('Leyenda del ticket', 'Receipt footer')}
        rows={2}
        maxLength={500}
        placeholder={l(
          '¡Gracias por su compra! Cambios con ticket en 30 días.',
          'Thank you! Exchanges within 30 days.',
        )}
        canEdit={user?.role === 'owner'}
        testId="receipt-footer"
      />
      <PrivacyNoticeForm canEdit={user?.role === 'owner'} />
      <RetentionForm canEdit={user?.role === 'owner'} />
      <section className="card bo-section">
        <h2>{l('Sucursales y almacenes', 'Locations')}</h2>
        <ErrorBox error={locations.error} />
        <table className="lines compact">
          <tbody>
            {(locations.data ?? []).map((loc) => (
              <tr key={loc.id}>
                <td>{loc.name}</td>
                <td>{loc.kind === 'store' ? l('Tienda', 'Store') : l('Almacén', 'Warehouse')}</td>
                <td>{loc.postalCode ? `C.P. ${loc.postalCode}` : ''}</td>
                <td>{loc.address ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {user?.role === 'owner' ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              create.mutate();
            }}
            noValidate
          >
            <div className="bo-grid">
              <Field label={l('Nombre', 'Name')} error={errors.name}>
                <input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
              </Field>
              <Field label={l('Tipo', 'Kind')} error={errors.kind}>
                <select value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value })}>
                  <option value="store">{l('Tienda', 'Store')}</option>
                  <option value="warehouse">{l('Almacén', 'Warehouse')}</option>
                </select>
              </Field>
              <Field label={l('Código postal', 'Postal code')} error={errors.postalCode}>
                <input
                  inputMode="numeric"
                  value={form.postalCode}
                  onChange={(e) => setForm({ ...form, postalCode: e.target.value })}
                />
              </Field>
              <Field label={l('Dirección', 'Address')} error={errors.address} wide>
                <input value={form.address} onChange={(e) => setForm({ ...form, address: e.target.value })} />
              </Field>
            </div>
            <ErrorBox error={Object.keys(errors).length ? null : create.error} />
            <button type="submit" className="button primary" disabled={create.isPending}>
              {l('Agregar sucursal', 'Add location')}
            </button>
          </form>
        ) : null}
      </section>
    </div>
  );
}
