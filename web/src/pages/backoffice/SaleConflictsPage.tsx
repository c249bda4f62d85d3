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
  /** `return`: a return the register made offline, its refund already paid at the counter. */
  kind: 'sale' | 'return';
  /** The register's sale id; for a return, the sale it returns. */
  saleId: string;
  returnId: string | null;
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
  return: {
    lines?: { lineNo: number; quantity: string }[];
    refund?: { method: string };
    reason?: string;
  } | null;
}

const STATUS: Record<SaleConflict['status'], { label: [string, string]; tone: string }> = {
  open: { label: ['Por resolver', 'Open'], tone: 'warn' },
  recorded: { label: ['Registrada', 'Recorded'], tone: 'ok' },
  voided: { label: ['Anulada', 'Voided'], tone: 'off' },
};

/** Why the server refused the sale, in words a manager acts on. */
const WHY: Record<string, [string, string]> = {
  STOCK_INSUFFICIENT: [
    'Cuando la venta llegó al servidor ya no había existencias: se vendieron por otro canal o se ajustó el inventario mientras la caja estaba sin conexión.',
    'When the sale reached the server the stock was gone: sold on another channel or adjusted while the register was offline.',
  ],
  CASH_SESSION_CLOSED: [
    'El turno de caja ya estaba cerrado (corte Z) cuando llegó la venta.',
    'The cash session was already closed (corte Z) when the sale arrived.',
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
                        {c.kind === 'return' ? (
                          <span className="badge off" data-testid="conflict-kind">
                            {l('Devolución', 'Return')}
                          </span>
                        ) : null}{' '}
                        {c.summary ?? c.errorCode}
                      </td>
                      <td className="num">
                        {c.total ? formatMoney(c.kind === 'return' ? `-${c.total}` : c.total) : '—'}
                      </td>
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
  const userName = new Map((users.data ?? []).map((u) => [u.id, u.name]));
  const details = Object.entries(c.errorDetails ?? {}).filter(([, v]) => typeof v !== 'object');
  const why = WHY[c.errorCode];
  const isReturn = c.kind === 'return';
  const sale = c.sale ?? {};
  const refund = c.return?.refund;
  return (
    <div data-testid="conflict-detail">
      <div className="bo-chart-head">
        <h2>
          {isReturn ? l('Devolución del', 'Return of') : l('Venta del', 'Sale of')}{' '}
          {formatDateTime(c.soldAt ?? c.createdAt)}
        </h2>
        <ConflictBadge c={c} />
      </div>
      <p className="small muted">
        {[
          where(c),
          c.reportedBy &&
            `${isReturn ? l('devolvió', 'returned by') : l('cobró', 'charged by')} ${userName.get(c.reportedBy) ?? ''}`,
        ]
          .filter(Boolean)
          .join(' · ')}
      </p>
      <h3>
        {isReturn
          ? l('Lo que devolvió la caja', 'What the register took back')
          : l('Lo que vendió la caja', 'What the register sold')}
      </h3>
      {isReturn ? (
        <ul className="small">
          {(c.return?.lines ?? []).map((x) => (
            <li key={x.lineNo}>
              {formatQuantity(x.quantity)} ×{' '}
              {returnedSale.data?.lines.find((sl) => sl.lineNo === x.lineNo)?.description ??
                `${l('línea', 'line')} ${x.lineNo}`}
            </li>
          ))}
        </ul>
      ) : c.summary ? (
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
      {isReturn ? (
        <p data-testid="conflict-refund">
          {l('Reembolso ya pagado en la caja', 'Refund already paid at the register')}:{' '}
          <strong>{c.total ? formatMoney(c.total) : '—'}</strong>
          {refund ? ` · ${paymentMethodName(refund.method)}` : ''}
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
      ) : (
        <p>
          Total: <strong>{c.total ? formatMoney(c.total) : '—'}</strong>
          {(sale.payments ?? []).length > 0
            ? ` · ${l('cobrado con', 'paid with')} ${(sale.payments ?? [])
                .map((p) => `${paymentMethodName(p.method)} ${formatMoney(p.amount)}`)
                .join(', ')}`
            : ''}
        </p>
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
  const isReturn = c.kind === 'return';
  if (c.status !== 'open')
    return (
      <p className="info" data-testid="conflict-resolution">
        {c.status === 'voided'
          ? l('Anulada', 'Voided')
          : isReturn
            ? l('Registrada como devolución', 'Recorded as a return')
            : `${l('Registrada como ticket', 'Recorded as ticket')} #${c.ticketNumber ?? '—'}`}
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
          <strong>{l('Registrar ahora', 'Record now')}:</strong>{' '}
          {isReturn
            ? l(
                'se registra con su mismo folio: las piezas vuelven al inventario y el reembolso en efectivo sale del turno abierto de la caja. Si la venta que devuelve también está en conflicto, resuélvela primero.',
                'it is recorded with its own id: the pieces go back to stock and a cash refund leaves the register’s open session. If the sale it returns is a conflict too, settle that first.',
              )
            : l(
                'se registra con su mismo folio, con la fecha y los precios con que la cobró la caja, en el turno abierto de la caja; si sigue sin haber existencias verás el aviso y queda pendiente. Surte o ajusta el inventario primero.',
                'it is recorded with its own id, dated and priced as the register charged it, in the register’s open session; if stock is still short you will see why and it stays open.',
              )}
        </li>
        <li>
          <strong>{l('Anular', 'Void')}:</strong>{' '}
          {isReturn
            ? l(
                'la devolución no se registra: nada vuelve al inventario y el reembolso que ya se pagó queda como faltante de la caja (por ejemplo, se cobró de nuevo al cliente o lo repone la cajera). Escribe el motivo.',
                'the return is not recorded: nothing goes back to stock and the refund already paid stays a shortage of the register. Write why.',
              )
            : l(
                'la venta no se registra (por ejemplo, se le devolvió el dinero al cliente). Escribe el motivo.',
                'the sale is not recorded (e.g. the money was given back). Write why.',
              )}
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
          {isReturn
            ? l('Registrar la devolución ahora', 'Record the return now')
            : l('Registrar la venta ahora', 'Record the sale now')}
        </button>
        <button
          type="button"
          className="button danger"
          disabled={resolve.isPending}
          onClick={() => resolve.mutate('void')}
        >
          {isReturn ? l('Anular la devolución', 'Void the return') : l('Anular la venta', 'Void the sale')}
        </button>
      </div>
    </div>
  );
}
