import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { ApiError, get, post, qs } from '../../lib/api';
import type { Register, Sale } from '../../lib/endpoints';
import { formatDateTime, formatMoney, formatQuantity } from '../../lib/format';
import { paymentMethodName } from '../../lib/payment-methods';
import { useL } from './lang';
import { ErrorBox, Field, Loading, PageHeader, useLocations } from './ui';
import './invoicing.css';

interface SaleConflict {
  id: string;
  /**
   * `return`: a return the register made offline, its refund already paid at the counter;
   * `cash_movement`: cash in/out; `account_payment`: an abono on a customer's account.
   */
  kind: 'sale' | 'return' | 'cash_movement' | 'account_payment';
  /** The register's sale id; for a return, the sale it returns; null for the other kinds. */
  saleId: string | null;
  operationId: string | null;
  /** cash_movement: the session it was made in; account_payment: the customer. */
  targetId: string | null;
  registerId: string | null;
  locationId: string | null;
  cashSessionId: string | null;
  status: 'open' | 'recorded' | 'voided';
  errorCode: string;
  errorMessage: string | null;
  errorDetails: Record<string, unknown>;
  total: string | null;
  summary: string | null;
  soldAt: string | null;
  reportedBy: string | null;
  createdAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolutionNote: string | null;
  ticketNumber: number | null;
  sale: {
    lines?: { skuId?: string; barcode?: string; quantity: string }[];
    payments?: { method: string; amount: string }[];
    note?: string;
  } | null;
  /** The other kinds' body as the register sent it. */
  operation: {
    lines?: { lineNo: number; quantity: string }[];
    refund?: { method: string };
    reason?: string;
    kind?: 'in' | 'out';
    method?: string;
  } | null;
}

type Texts = [string, string];
/** Per kind: its name, who did it, and what each resolution does. */
interface KindTexts {
  name: Texts;
  title: Texts;
  by: Texts;
  retry: Texts;
  retryButton: Texts;
  voidText: Texts;
  voidButton: Texts;
  recorded: Texts;
}

const RETURN_TEXTS: KindTexts = {
  name: ['Devolución', 'Return'],
  title: ['Devolución del', 'Return of'],
  by: ['devolvió', 'returned by'],
  retry: [
    'se registra con su mismo folio: las piezas vuelven al inventario y el reembolso en efectivo sale del turno abierto de la caja. Si la venta que devuelve también está en conflicto, resuélvela primero.',
    'it is recorded with its own id: the pieces go back to stock and a cash refund leaves the register’s open session. If the sale it returns is a conflict too, settle that first.',
  ],
  retryButton: ['Registrar la devolución ahora', 'Record the return now'],
  voidText: [
    'la devolución no se registra: nada vuelve al inventario y el reembolso que ya se pagó queda como faltante de la caja (por ejemplo, se cobró de nuevo al cliente o lo repone la cajera). Escribe el motivo.',
    'the return is not recorded: nothing goes back to stock and the refund already paid stays a shortage of the register. Write why.',
  ],
  voidButton: ['Anular la devolución', 'Void the return'],
  recorded: ['Registrada como devolución', 'Recorded as a return'],
};

const CASH_TEXTS: KindTexts = {
  name: ['Efectivo', 'Cash'],
  title: ['Movimiento de efectivo del', 'Cash movement of'],
  by: ['registró', 'recorded by'],
  retry: [
    'se registra con su mismo folio en el turno abierto de la caja (el turno en que se hizo ya se cerró), y el corte lo espera ahí.',
    'it is recorded with its own id in the register’s open session (the one it was made in is closed), where the corte expects it.',
  ],
  retryButton: ['Registrar el movimiento ahora', 'Record the movement now'],
  voidText: [
    'no se registra: el efectivo que entró o salió queda como diferencia del corte. Escribe el motivo.',
    'it is not recorded: the cash that came in or went out stays a difference on the corte. Write why.',
  ],
  voidButton: ['Anular el movimiento', 'Void the movement'],
  recorded: ['Registrado en el turno abierto de la caja', 'Recorded in the register’s open session'],
};

const ABONO_TEXTS: KindTexts = {
  name: ['Abono', 'Account payment'],
  title: ['Abono del', 'Account payment of'],
  by: ['cobró', 'taken by'],
  retry: [
    'se registra con su mismo folio en la cuenta del cliente y en el turno abierto de la caja, si el cliente todavía debe ese monto.',
    'it is recorded with its own id on the customer’s account and in the register’s open session, if the customer still owes that much.',
  ],
  retryButton: ['Registrar el abono ahora', 'Record the payment now'],
  voidText: [
    'no se registra: el dinero recibido queda como sobrante de la caja (por ejemplo, se le devolvió al cliente). Escribe el motivo.',
    'it is not recorded: the money received stays an excess of the register (e.g. it was given back). Write why.',
  ],
  voidButton: ['Anular el abono', 'Void the payment'],
  recorded: ['Registrado en la cuenta del cliente', 'Recorded on the customer’s account'],
};

const SALE_TEXTS: KindTexts = {
  name: ['Venta', 'Sale'],
  title: ['Venta del', 'Sale of'],
  by: ['cobró', 'charged by'],
  retry: [
    'se registra con su mismo folio, con la fecha y los precios con que la cobró la caja, en el turno abierto de la caja; si sigue sin haber existencias verás el aviso y queda pendiente. Surte o ajusta el inventario primero.',
    'it is recorded with its own id, dated and priced as the register charged it, in the register’s open session; if stock is still short you will see why and it stays open.',
  ],
  retryButton: ['Registrar la venta ahora', 'Record the sale now'],
  voidText: [
    'la venta no se registra (por ejemplo, se le devolvió el dinero al cliente). Escribe el motivo.',
    'the sale is not recorded (e.g. the money was given back). Write why.',
  ],
  voidButton: ['Anular la venta', 'Void the sale'],
  recorded: ['Registrada como ticket', 'Recorded as ticket'],
};

const TEXTS: Record<SaleConflict['kind'], KindTexts> = {
  sale: SALE_TEXTS,
  return: RETURN_TEXTS,
  cash_movement: CASH_TEXTS,
  account_payment: ABONO_TEXTS,
};

/** What the drawer gained (positive) or lost (negative) by it, for the list's total column. */
function signedTotal(c: SaleConflict): string | null {
  if (!c.total) return null;
  const out = c.kind === 'return' || (c.kind === 'cash_movement' && c.operation?.kind === 'out');
  return out ? `-${c.total}` : c.total;
}

/** The kind's name on the list: cash in and out are told apart. */
function kindName(c: SaleConflict): Texts {
  if (c.kind === 'cash_movement')
    return c.operation?.kind === 'in'
      ? ['Entrada de efectivo', 'Cash in']
      : ['Salida de efectivo', 'Cash out'];
  return TEXTS[c.kind].name;
}

const STATUS: Record<SaleConflict['status'], { label: [string, string]; tone: string }> = {
  open: { label: ['Por resolver', 'Open'], tone: 'warn' },
  recorded: { label: ['Registrada', 'Recorded'], tone: 'ok' },
  voided: { label: ['Anulada', 'Voided'], tone: 'off' },
};

/** Why the server refused it, in words a manager acts on. */
const WHY: Record<string, [string, string]> = {
  STOCK_INSUFFICIENT: [
    'Cuando la venta llegó al servidor ya no había existencias: se vendieron por otro canal o se ajustó el inventario mientras la caja estaba sin conexión.',
    'When the sale reached the server the stock was gone: sold on another channel or adjusted while the register was offline.',
  ],
  CASH_SESSION_CLOSED: [
    'El turno de caja ya estaba cerrado (corte Z) cuando llegó al servidor.',
    'The cash session was already closed (corte Z) when it reached the server.',
  ],
  SKU_NOT_SELLABLE: [
    'El producto se desactivó o dejó de venderse mientras la caja estaba sin conexión.',
    'The product was deactivated or taken off sale while the register was offline.',
  ],
  PRICE_CHANGED: [
    'El precio cambió mientras la caja estaba sin conexión.',
    'The price changed while the register was offline.',
  ],
  RETURN_EXCEEDS_SOLD: [
    'Esas piezas ya se habían devuelto (otra caja, o la misma antes de perder la conexión): el reembolso se pagó dos veces.',
    'Those pieces had already been returned (another register, or this one before it went offline): the refund was paid twice.',
  ],
  ACCOUNT_NOTHING_OWED: [
    'El cliente ya no debía nada: otro abono se registró (en otra caja o en la oficina) mientras esta caja estaba sin conexión.',
    'The customer no longer owed anything: another payment was recorded while this register was offline.',
  ],
  ACCOUNT_PAYMENT_EXCEEDS_BALANCE: [
    'El abono es mayor que lo que el cliente debe ahora: otro abono se registró mientras esta caja estaba sin conexión.',
    'The payment is more than the customer owes now: another payment was recorded while this register was offline.',
  ],
  SALE_NOT_FOUND: [
    'La venta que se devolvió no está registrada: suele ser una venta sin conexión que también quedó en conflicto. Resuelve primero esa venta.',
    'The returned sale is not recorded: usually an offline sale that is also a conflict here. Settle that sale first.',
  ],
};

function ConflictBadge({ c }: { c: SaleConflict }) {
  const l = useL();
  const s = STATUS[c.status];
  return (
    <span className={`badge ${s.tone}`} data-testid="conflict-status">
      {l(...s.label)}
    </span>
  );
}

/**
 * Ventas en conflicto: sales (and returns, whose refund the till already paid) an offline
 * terminal made that the server refused when they synced (stock gone, session closed, pieces
 * already returned); never lost, each waits here for a manager to record or void it.
 */
export function SaleConflictsPage() {
  const l = useL();
  const navigate = useNavigate();
  const { conflictId } = useParams();
  const [status, setStatus] = useState('');
  const locations = useLocations();
  const registers = useQuery({
    queryKey: ['registers', ''],
    queryFn: () => get<{ items: Register[] }>('/registers').then((r) => r.items),
  });
  const list = useQuery({
    queryKey: ['sale-conflicts', status],
    queryFn: () =>
      get<{ items: SaleConflict[]; openCount: number }>(
        `/sale-conflicts${qs({ status: status || undefined, limit: 200 })}`,
      ),
    refetchInterval: 30_000,
  });
  const locName = new Map((locations.data ?? []).map((x) => [x.id, x.name]));
  const regName = new Map((registers.data ?? []).map((x) => [x.id, x.name]));
  const where = (c: SaleConflict) =>
    [c.registerId && regName.get(c.registerId), c.locationId && locName.get(c.locationId)]
      .filter(Boolean)
      .join(' · ');
  const items = list.data?.items ?? [];
  return (
    <div>
      <PageHeader title={l('Ventas en conflicto', 'Sale conflicts')}>
        {list.data ? (
          <span className={`badge ${list.data.openCount ? 'warn' : 'ok'}`} data-testid="conflicts-open">
            {list.data.openCount} {l('por resolver', 'open')}
          </span>
        ) : null}
        <label className="bo-inline">
          <span>{l('Estado', 'Status')}</span>
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{l('Todas', 'All')}</option>
            <option value="open">{l('Por resolver', 'Open')}</option>
            <option value="recorded">{l('Registradas', 'Recorded')}</option>
            <option value="voided">{l('Anuladas', 'Voided')}</option>
          </select>
        </label>
      </PageHeader>
      <p className="muted small">
        {l(
          'Ventas y devoluciones que una caja hizo sin conexión y que el servidor no pudo registrar al sincronizar. No se pierden: decide aquí si se registran o se anulan.',
          'Sales and returns a register made offline that the server could not record when syncing. Nothing is lost: record or void them here.',
        )}
      </p>
      <ErrorBox error={list.error} />
      <div className="bo-two">
        <section className="card bo-section">
          {list.isLoading ? <Loading /> : null}
          {list.data && items.length === 0 ? (
            <div className="bo-empty" data-testid="conflicts-empty">
              <strong>{l('Sin ventas en conflicto', 'No sale conflicts')}</strong>
              <span className="muted">
                {l('Todas las ventas sin conexión se registraron bien.', 'Every offline sale was recorded.')}
              </span>
            </div>
          ) : null}
          {items.length > 0 ? (
            <div className="bo-scroll">
              <table className="lines compact" data-testid="conflicts-table">
                <thead>
                  <tr>
                    <th>{l('Cuándo', 'When')}</th>
                    <th>{l('Caja', 'Register')}</th>
                    <th>{l('Qué hizo la caja', 'What the register did')}</th>
                    <th className="num">Total</th>
                    <th>{l('Estado', 'Status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((c) => (
                    <tr
                      key={c.id}
                      className={c.id === conflictId ? 'selected' : ''}
                      onClick={() => navigate(`/admin/sale-conflicts/${c.id}`)}
                    >
                      <td>{formatDateTime(c.soldAt ?? c.createdAt)}</td>
                      <td>{where(c)}</td>
                      <td>
                        {c.kind !== 'sale' ? (
                          <span className="badge off" data-testid="conflict-kind">
                            {l(...kindName(c))}
                          </span>
                        ) : null}{' '}
                        {c.summary ?? c.errorCode}
                      </td>
                      <td className="num">{formatMoneyOrDash(signedTotal(c))}</td>
                      <td>
                        <ConflictBadge c={c} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </section>
        <section className="card bo-section">
          {conflictId ? (
            <ConflictDetail conflictId={conflictId} where={where} />
          ) : (
            <p className="muted">
              {l('Elige una venta para ver qué pasó y resolverla.', 'Pick a sale to see what happened.')}
            </p>
          )}
        </section>
      </div>
    </div>
  );
}

function ConflictDetail({ conflictId, where }: { conflictId: string; where: (c: SaleConflict) => string }) {
  const l = useL();
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => get<{ items: { id: string; name: string }[] }>('/users').then((r) => r.items),
  });
  const conflict = useQuery({
    queryKey: ['sale-conflict', conflictId],
    queryFn: () => get<SaleConflict>(`/sale-conflicts/${conflictId}`),
  });
  const returned = conflict.data?.kind === 'return' ? conflict.data.saleId : null;
  // A return's sale: its ticket and lines, or not recorded (a refused offline sale, likely here too).
  const returnedSale = useQuery({
    queryKey: ['sale', returned],
    queryFn: () => get<Sale>(`/sales/${returned}`),
    enabled: returned !== null,
    retry: false,
  });
  if (conflict.isLoading) return <Loading />;
  if (!conflict.data) return <ErrorBox error={conflict.error} />;
  const c = conflict.data;
  const texts = TEXTS[c.kind];
  const userName = new Map((users.data ?? []).map((u) => [u.id, u.name]));
  const details = Object.entries(c.errorDetails ?? {}).filter(([, v]) => typeof v !== 'object');
  const why = WHY[c.errorCode];
  const sale = c.sale ?? {};
  const op = c.operation ?? {};
  return (
    <div data-testid="conflict-detail">
      <div className="bo-chart-head">
        <h2>
          {l(...texts.title)} {formatDateTime(c.soldAt ?? c.createdAt)}
        </h2>
        <ConflictBadge c={c} />
      </div>
      <p className="small muted">
        {[where(c), c.reportedBy && `${l(...texts.by)} ${userName.get(c.reportedBy) ?? ''}`]
          .filter(Boolean)
          .join(' · ')}
      </p>
      {c.kind === 'sale' ? (
        <>
          <h3>{l('Lo que vendió la caja', 'What the register sold')}</h3>
          {c.summary ? (
            <ul className="small">
              {c.summary.split(', ').map((s, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the summary is fixed text, split once
                <li key={i}>{s}</li>
              ))}
            </ul>
          ) : (
            <ul className="small">
              {(sale.lines ?? []).map((x, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the sale's lines keep their order
                <li key={i}>
                  {formatQuantity(x.quantity)} × {x.barcode ?? x.skuId}
                </li>
              ))}
            </ul>
          )}
          <p>
            Total: <strong>{formatMoneyOrDash(c.total)}</strong>
            {(sale.payments ?? []).length > 0
              ? ` · ${l('cobrado con', 'paid with')} ${(sale.payments ?? [])
                  .map((p) => `${paymentMethodName(p.method)} ${formatMoney(p.amount)}`)
                  .join(', ')}`
              : ''}
          </p>
        </>
      ) : c.kind === 'return' ? (
        <>
          <h3>{l('Lo que devolvió la caja', 'What the register took back')}</h3>
          <ul className="small">
            {(op.lines ?? []).map((x) => (
              <li key={x.lineNo}>
                {formatQuantity(x.quantity)} ×{' '}
                {returnedSale.data?.lines.find((sl) => sl.lineNo === x.lineNo)?.description ??
                  `${l('línea', 'line')} ${x.lineNo}`}
              </li>
            ))}
          </ul>
          <p data-testid="conflict-refund">
            {l('Reembolso ya pagado en la caja', 'Refund already paid at the register')}:{' '}
            <strong>{formatMoneyOrDash(c.total)}</strong>
            {op.refund ? ` · ${paymentMethodName(op.refund.method)}` : ''}
            <br />
            <span className="small muted" data-testid="conflict-returned-sale">
              {returnedSale.data
                ? `${l('Del ticket', 'Of ticket')} #${returnedSale.data.ticketNumber} · ${formatDateTime(returnedSale.data.createdAt)} · ${formatMoney(returnedSale.data.total)}`
                : returnedSale.isError
                  ? l(
                      'La venta que se devolvió no está registrada en el servidor.',
                      'The returned sale is not recorded on the server.',
                    )
                  : ''}
            </span>
          </p>
        </>
      ) : (
        <>
          <h3>{l(...kindName(c))}</h3>
          <p data-testid="conflict-operation">
            <strong>{formatMoneyOrDash(c.total)}</strong>
            {op.method ? ` · ${paymentMethodName(op.method)}` : ''}
            {c.summary ? ` · ${c.summary}` : op.reason ? ` · «${op.reason}»` : ''}
          </p>
        </>
      )}
      <h3>{l('Por qué no se registró', 'Why it was refused')}</h3>
      <p className="error bo-error" data-testid="conflict-why">
        {c.errorMessage ?? c.errorCode}
      </p>
      {why ? <p className="small">{l(...why)}</p> : null}
      {!c.errorMessage && details.length > 0 ? (
        <p className="small muted">{details.map(([k, v]) => `${k}: ${String(v)}`).join(' · ')}</p>
      ) : null}
      <ConflictResolution c={c} userName={userName} />
    </div>
  );
}

function formatMoneyOrDash(value: string | null): string {
  return value ? formatMoney(value) : '—';
}

/** Record now or void with a note (an open conflict), or how it was settled. */
function ConflictResolution({ c, userName }: { c: SaleConflict; userName: Map<string, string> }) {
  const l = useL();
  const qc = useQueryClient();
  const [note, setNote] = useState('');
  const [noteError, setNoteError] = useState('');
  const resolve = useMutation({
    mutationFn: (action: 'retry' | 'void') =>
      post<SaleConflict>(`/sale-conflicts/${c.id}/resolve`, {
        action,
        ...(note.trim() || action === 'void' ? { note: note.trim() } : {}),
      }),
    onSuccess: (done) => {
      setNoteError('');
      setNote('');
      qc.setQueryData(['sale-conflict', c.id], done);
      void qc.invalidateQueries({ queryKey: ['sale-conflicts'] });
    },
    onError: (err) => setNoteError(err instanceof ApiError ? (err.fieldErrors().note ?? '') : ''),
  });
  const texts = TEXTS[c.kind];
  if (c.status !== 'open')
    return (
      <p className="info" data-testid="conflict-resolution">
        {c.status === 'voided'
          ? l('Anulada', 'Voided')
          : c.kind === 'sale'
            ? `${l(...texts.recorded)} #${c.ticketNumber ?? '—'}`
            : l(...texts.recorded)}
        {c.resolvedAt ? ` · ${formatDateTime(c.resolvedAt)}` : ''}
        {c.resolvedBy ? ` · ${userName.get(c.resolvedBy) ?? ''}` : ''}
        {c.resolutionNote ? ` · «${c.resolutionNote}»` : ''}
      </p>
    );
  return (
    <div data-testid="conflict-resolve">
      <h3>{l('¿Qué hacemos con ella?', 'What to do with it?')}</h3>
      <ul className="small">
        <li>
          <strong>{l('Registrar ahora', 'Record now')}:</strong> {l(...texts.retry)}
        </li>
        <li>
          <strong>{l('Anular', 'Void')}:</strong> {l(...texts.voidText)}
        </li>
      </ul>
      <Field label={l('Nota (obligatoria para anular)', 'Note (required to void)')} error={noteError} wide>
        <input value={note} onChange={(e) => setNote(e.target.value)} />
      </Field>
      {!noteError ? <ErrorBox error={resolve.error} /> : null}
      <div className="bo-row" style={{ marginTop: '0.6rem' }}>
        <button
          type="button"
          className="button primary"
          disabled={resolve.isPending}
          onClick={() => resolve.mutate('retry')}
        >
          {l(...texts.retryButton)}
        </button>
        <button
          type="button"
          className="button danger"
          disabled={resolve.isPending}
          onClick={() => resolve.mutate('void')}
        >
          {l(...texts.voidButton)}
        </button>
      </div>
    </div>
  );
}
