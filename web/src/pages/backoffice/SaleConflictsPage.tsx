import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { ApiError, get, post, qs } from '../../lib/api';
import type { Register } from '../../lib/endpoints';
import { formatDateTime, formatMoney, formatQuantity } from '../../lib/format';
import { paymentMethodName } from '../../lib/payment-methods';
import { useL } from './lang';
import { ErrorBox, Field, Loading, PageHeader, useLocations } from './ui';
import './invoicing.css';

interface SaleConflict {
  id: string;
  saleId: string;
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
  };
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
 * Ventas en conflicto: sales an offline terminal made that the server refused when they synced
 * (stock gone, session closed); never lost, each waits here for a manager to record or void it.
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
          'Ventas que una caja hizo sin conexión y que el servidor no pudo registrar al sincronizar. No se pierden: decide aquí si se registran o se anulan.',
          'Sales a register made offline that the server could not record when syncing. Nothing is lost: record or void them here.',
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
                    <th>{l('Vendida', 'Sold')}</th>
                    <th>{l('Caja', 'Register')}</th>
                    <th>{l('Qué se vendió', 'What was sold')}</th>
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
                      <td>{c.summary ?? c.errorCode}</td>
                      <td className="num">{c.total ? formatMoney(c.total) : '—'}</td>
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
  const qc = useQueryClient();
  const [note, setNote] = useState('');
  const [noteError, setNoteError] = useState('');
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => get<{ items: { id: string; name: string }[] }>('/users').then((r) => r.items),
  });
  const conflict = useQuery({
    queryKey: ['sale-conflict', conflictId],
    queryFn: () => get<SaleConflict>(`/sale-conflicts/${conflictId}`),
  });
  const resolve = useMutation({
    mutationFn: (action: 'retry' | 'void') =>
      post<SaleConflict>(`/sale-conflicts/${conflictId}/resolve`, {
        action,
        ...(note.trim() || action === 'void' ? { note: note.trim() } : {}),
      }),
    onSuccess: (c) => {
      setNoteError('');
      setNote('');
      qc.setQueryData(['sale-conflict', conflictId], c);
      void qc.invalidateQueries({ queryKey: ['sale-conflicts'] });
    },
    onError: (err) => setNoteError(err instanceof ApiError ? (err.fieldErrors().note ?? '') : ''),
  });
  if (conflict.isLoading) return <Loading />;
  if (!conflict.data) return <ErrorBox error={conflict.error} />;
  const c = conflict.data;
  const userName = new Map((users.data ?? []).map((u) => [u.id, u.name]));
  const details = Object.entries(c.errorDetails ?? {}).filter(([, v]) => typeof v !== 'object');
  const why = WHY[c.errorCode];
  return (
    <div data-testid="conflict-detail">
      <div className="bo-chart-head">
        <h2>
          {l('Venta del', 'Sale of')} {formatDateTime(c.soldAt ?? c.createdAt)}
        </h2>
        <ConflictBadge c={c} />
      </div>
      <p className="small muted">
        {[where(c), c.reportedBy && `${l('cobró', 'charged by')} ${userName.get(c.reportedBy) ?? ''}`]
          .filter(Boolean)
          .join(' · ')}
      </p>
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
          {(c.sale.lines ?? []).map((x, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the sale's lines keep their order
            <li key={i}>
              {formatQuantity(x.quantity)} × {x.barcode ?? x.skuId}
            </li>
          ))}
        </ul>
      )}
      <p>
        Total: <strong>{c.total ? formatMoney(c.total) : '—'}</strong>
        {(c.sale.payments ?? []).length > 0
          ? ` · ${l('cobrado con', 'paid with')} ${(c.sale.payments ?? [])
              .map((p) => `${paymentMethodName(p.method)} ${formatMoney(p.amount)}`)
              .join(', ')}`
          : ''}
      </p>
      <h3>{l('Por qué no se registró', 'Why it was refused')}</h3>
      <p className="error bo-error" data-testid="conflict-why">
        {c.errorMessage ?? c.errorCode}
      </p>
      {why ? <p className="small">{l(...why)}</p> : null}
      {!c.errorMessage && details.length > 0 ? (
        <p className="small muted">{details.map(([k, v]) => `${k}: ${String(v)}`).join(' · ')}</p>
      ) : null}
      {c.status === 'open' ? (
        <div data-testid="conflict-resolve">
          <h3>{l('¿Qué hacemos con ella?', 'What to do with it?')}</h3>
          <ul className="small">
            <li>
              <strong>{l('Registrar ahora', 'Record now')}:</strong>{' '}
              {l(
                'se registra con su mismo folio, a los precios de hoy y en el turno abierto de la caja; si sigue sin haber existencias verás el aviso y queda pendiente. Surte o ajusta el inventario primero.',
                'it is recorded with its own id, at today’s prices, in the register’s open session; if stock is still short you will see why and it stays open.',
              )}
            </li>
            <li>
              <strong>{l('Anular', 'Void')}:</strong>{' '}
              {l(
                'la venta no se registra (por ejemplo, se le devolvió el dinero al cliente). Escribe el motivo.',
                'the sale is not recorded (e.g. the money was given back). Write why.',
              )}
            </li>
          </ul>
          <Field
            label={l('Nota (obligatoria para anular)', 'Note (required to void)')}
            error={noteError}
            wide
          >
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
              {l('Registrar la venta ahora', 'Record the sale now')}
            </button>
            <button
              type="button"
              className="button danger"
              disabled={resolve.isPending}
              onClick={() => resolve.mutate('void')}
            >
              {l('Anular la venta', 'Void the sale')}
            </button>
          </div>
        </div>
      ) : (
        <p className="info" data-testid="conflict-resolution">
          {c.status === 'recorded'
            ? `${l('Registrada como ticket', 'Recorded as ticket')} #${c.ticketNumber ?? '—'}`
            : l('Anulada', 'Voided')}
          {c.resolvedAt ? ` · ${formatDateTime(c.resolvedAt)}` : ''}
          {c.resolvedBy ? ` · ${userName.get(c.resolvedBy) ?? ''}` : ''}
          {c.resolutionNote ? ` · «${c.resolutionNote}»` : ''}
        </p>
      )}
    </div>
  );
}
