import { newId } from '@server/shared/ids.js';
import { D } from '@server/shared/money.js';
import { type FormEvent, useMemo, useState } from 'react';
import { Modal } from '../../app/Modal';
import { ApiError, get, NetworkError, qs, serverNow } from '../../lib/api';
import type { CashSession, Sale } from '../../lib/endpoints';
import {
  businessToday,
  formatDate,
  formatMoney,
  formatQuantity,
  formatTime,
  parseQuantityInput,
} from '../../lib/format';
import { type MessageKey, useT } from '../../lib/i18n';
import { dbFor, kindOf, type QueuedSale } from '../../offline/db';
import { recordNow } from '../../offline/outbox';
import type { ReceiptSnapshot } from './ChargeDialog';
import type { TerminalConfig } from './terminal-state';

const REASONS: { value: string; label: MessageKey }[] = [
  { value: 'defectuoso', label: 'ret.reason.defectuoso' },
  { value: 'no_le_quedo', label: 'ret.reason.no_le_quedo' },
  { value: 'cambio', label: 'ret.reason.cambio' },
  { value: 'error_cobro', label: 'ret.reason.error_cobro' },
  { value: 'otro', label: 'ret.reason.otro' },
];

type RefundMethod = 'cash' | 'card' | 'spei' | 'store_credit';

interface ReturnResult {
  id: string;
  refund: { method: RefundMethod; amount: string };
  lines: { description: string; quantity: string; amount: string }[];
}

/** A return that is (or was) on its way through this till's queue: not refused. */
const LIVE: QueuedSale['status'][] = ['charging', 'pending', 'sent'];

/** A sale still in the queue: not on the server yet, so no ticket number. */
const QUEUED: QueuedSale['status'][] = ['charging', 'pending'];

/**
 * A sale still in the queue as the return form needs it: its lines as the till priced them,
 * numbered as the server will number them (in the order sent), no ticket number yet.
 */
function queuedSale(row: QueuedSale, locationId: string): Sale {
  const receipt = row.receipt as unknown as ReceiptSnapshot;
  const body = row.body as { lines: { skuId: string }[]; customerId?: string };
  return {
    id: row.id,
    ticketNumber: null,
    locationId,
    customerId: body.customerId ?? null,
    createdAt: row.createdAt,
    total: receipt.total,
    lines: receipt.lines.map((l, i) => ({
      lineNo: i + 1,
      skuId: body.lines[i]?.skuId ?? '',
      description: l.description,
      quantity: l.quantity,
      returnedQuantity: '0',
      total: l.total,
    })),
  } as unknown as Sale;
}

/**
 * Without the server: the location's recent sales as last read from the server (from any till,
 * kept by offline/sales.ts), this till's sales it has an answer for, and those still in its queue
 * (the return is queued behind the sale), found by ticket number or business day, with what this
 * till returned of each line since the copy was read.
 */
async function localSales(
  tenantId: string,
  locationId: string,
  q: { ticketNumber?: string; date?: string },
): Promise<Sale[]> {
  const db = dbFor(tenantId);
  const [rows, kept] = await Promise.all([
    db.outbox.toArray(),
    q.ticketNumber
      ? db.sales.where('ticketNumber').equals(Number(q.ticketNumber)).toArray()
      : db.sales.where('locationId').equals(locationId).toArray(),
  ]);
  const found = new Map<string, { sale: Sale; syncedAt: string | null }>();
  for (const s of kept) {
    const { syncedAt, ...sale } = s;
    found.set(s.id, { sale, syncedAt });
  }
  for (const r of rows) {
    if (kindOf(r) !== 'sale' || found.has(r.id)) continue;
    if (r.status === 'sent' && r.result)
      found.set(r.id, { sale: r.result as unknown as Sale, syncedAt: null });
    else if (QUEUED.includes(r.status)) found.set(r.id, { sale: queuedSale(r, locationId), syncedAt: null });
  }
  // This till's returns not in the copy yet: queued, or sent after the copy was read.
  const returned = new Map<string, InstanceType<typeof D>>();
  for (const r of rows) {
    if (kindOf(r) !== 'return' || !LIVE.includes(r.status)) continue;
    const body = r.body as { saleId: string; lines: { lineNo: number; quantity: string }[] };
    const copy = found.get(body.saleId);
    if (copy?.syncedAt && r.status === 'sent' && (r.sentAt ?? '') <= copy.syncedAt) continue;
    for (const l of body.lines) {
      const k = `${body.saleId}/${l.lineNo}`;
      returned.set(k, (returned.get(k) ?? new D(0)).plus(l.quantity));
    }
  }
  return [...found.values()]
    .map((f) => f.sale)
    .filter(
      (s) =>
        s.locationId === locationId &&
        (q.ticketNumber
          ? String(s.ticketNumber) === q.ticketNumber
          : businessToday(new Date(s.createdAt)) === q.date),
    )
    .map((s) => ({
      ...s,
      lines: s.lines.map((l) => ({
        ...l,
        returnedQuantity: new D(l.returnedQuantity).plus(returned.get(`${s.id}/${l.lineNo}`) ?? 0).toString(),
      })),
    }))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/**
 * F9: find the sale (ticket number, phone or date), pick lines and quantities, reason, refund.
 * The return goes through the till's queue under its own id (the idempotency key): without a
 * connection it is kept and sent when the server is back, exactly once, like a sale.
 */
export function ReturnsPanel({
  tenantId,
  cfg,
  online,
  onClose,
}: {
  tenantId: string;
  cfg: TerminalConfig;
  session: CashSession;
  online: boolean;
  onClose: () => void;
}) {
  const t = useT();
  const [ticketNumber, setTicketNumber] = useState('');
  const [phone, setPhone] = useState('');
  const [date, setDate] = useState(businessToday());
  const [sales, setSales] = useState<Sale[] | null>(null);
  const [sale, setSale] = useState<Sale | null>(null);
  const [qty, setQty] = useState<Record<number, string>>({});
  const [restock, setRestock] = useState<Record<number, boolean>>({});
  const [reason, setReason] = useState('no_le_quedo');
  const [refundMethod, setRefundMethod] = useState<RefundMethod>('cash');
  const [reference, setReference] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<(ReturnResult & { queued: boolean }) | null>(null);
  const [busy, setBusy] = useState(false);
  // One return id per sale picked: the server refuses a second return under it (RETURN_DUPLICATE).
  const returnId = useMemo(() => (sale ? newId('ret') : ''), [sale]);

  const ticketLabel = (s: Sale) =>
    s.ticketNumber === null ? t('ret.notSentYet') : `${t('receipt.ticket')} ${s.ticketNumber}`;

  async function find(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const local = () =>
        localSales(tenantId, cfg.location.id, {
          ...(ticketNumber.trim() ? { ticketNumber: ticketNumber.trim() } : { date }),
        });
      const items = online
        ? await get<{ items: Sale[] }>(
            `/sales/for-return${qs(
              ticketNumber.trim()
                ? { ticketNumber: ticketNumber.trim(), locationId: cfg.location.id }
                : phone.trim()
                  ? { phone: phone.trim() }
                  : { from: date, to: date, locationId: cfg.location.id },
            )}`,
          ).then(
            (r) => r.items,
            // the connection went before the till noticed: the copy kept here, as offline
            (err: unknown) => (err instanceof NetworkError ? local() : Promise.reject(err)),
          )
        : await local();
      setSales(items);
      if (items.length === 1) choose(items[0]!);
      if (items.length === 0) setError(t('ret.noneFound'));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  function choose(s: Sale) {
    setSale(s);
    setQty({});
    setRestock(Object.fromEntries(s.lines.map((l) => [l.lineNo, true])));
  }

  const picked = sale
    ? sale.lines
        .map((l) => ({ line: l, q: parseQuantityInput(qty[l.lineNo] ?? '') }))
        .filter((x): x is { line: Sale['lines'][number]; q: string } => x.q !== null)
    : [];
  // What the customer gets back: the line's paid total in proportion to the quantity returned.
  const estimate = picked.reduce(
    (a, x) => a.plus(new D(x.line.total).times(x.q).div(x.line.quantity).toDecimalPlaces(2, D.ROUND_HALF_UP)),
    new D(0),
  );

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!sale) return;
    setError(null);
    if (picked.length === 0) return setError(t('ret.pickLines'));
    for (const x of picked) {
      const left = new D(x.line.quantity).minus(x.line.returnedQuantity);
      if (new D(x.q).gt(left))
        return setError(t('ret.tooMany', { name: x.line.description, n: formatQuantity(left) }));
    }
    const refund =
      refundMethod === 'cash'
        ? { method: 'cash', registerId: cfg.register.id }
        : refundMethod === 'card' || refundMethod === 'spei'
          ? { method: refundMethod, reference: reference.trim(), registerId: cfg.register.id }
          : { method: 'store_credit' };
    setBusy(true);
    try {
      const body = {
        id: returnId,
        saleId: sale.id,
        reason,
        ...(note.trim() ? { note: note.trim() } : {}),
        lines: picked.map((x) => ({
          lineNo: x.line.lineNo,
          quantity: x.q,
          disposition: restock[x.line.lineNo] === false ? 'write_off' : 'restock',
        })),
        refund,
      };
      // Kept in the queue before it is sent, under the return's id, which is also its
      // Idempotency-Key: sent again after no answer (now or by the queue), the server answers
      // what it did the first time; refused, the key is free for a corrected return.
      const queued: ReturnResult = {
        id: returnId,
        refund: { method: refundMethod, amount: estimate.toFixed(2) },
        lines: picked.map((x) => ({
          description: x.line.description,
          quantity: x.q,
          amount: new D(x.line.total).times(x.q).div(x.line.quantity).toFixed(2),
        })),
      };
      const r = await recordNow<ReturnResult>(
        tenantId,
        {
          id: returnId,
          kind: 'return',
          path: '/returns',
          body,
          receipt: { description: `${t('ret.title')} · ${ticketLabel(sale)}`, refund: queued.refund },
          createdAt: serverNow().toISOString(),
        },
        { sendNow: online, idempotencyKey: returnId, flushOnNoAnswer: true },
      );
      setDone(r ? { ...r, queued: false } : { ...queued, queued: true });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('ret.noAnswer'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal title={t('ret.title')} onClose={onClose} wide>
      {done ? (
        <div className="stack" data-testid="return-done">
          <p className={done.queued ? 'warn-box' : 'ok-box'}>{t(done.queued ? 'ret.queued' : 'ret.done')}</p>
          <p className="big-amount">
            {t(
              refundMethod === 'cash'
                ? 'ret.giveCash'
                : refundMethod === 'card'
                  ? 'ret.toCard'
                  : refundMethod === 'spei'
                    ? 'ret.toTransfer'
                    : 'ret.toCredit',
              {
                amount: formatMoney(done.refund.amount),
              },
            )}
          </p>
          <button type="button" className="primary" onClick={onClose} data-autofocus>
            {t('common.close')}
          </button>
        </div>
      ) : !sale ? (
        <form className="stack" onSubmit={find}>
          {!online && <p className="muted">{t('ret.offlineSearch')}</p>}
          <div className="row">
            <label>
              {t('ret.ticketNumber')}
              <input
                name="ticketNumber"
                inputMode="numeric"
                value={ticketNumber}
                onChange={(e) => setTicketNumber(e.target.value)}
                data-autofocus
              />
            </label>
            <label>
              {t('ret.phone')}
              <input
                name="phone"
                inputMode="tel"
                value={phone}
                disabled={!online}
                onChange={(e) => setPhone(e.target.value)}
              />
            </label>
            <label>
              {t('ret.date')}
              <input name="date" type="date" value={date} onChange={(e) => setDate(e.target.value)} />
            </label>
            <button type="submit" className="primary">
              {t('ret.find')}
            </button>
          </div>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          {sales && sales.length > 1 && (
            <ul className="pick-list">
              {sales.map((s) => (
                <li key={s.id}>
                  <button type="button" className="plain" onClick={() => choose(s)}>
                    <strong>{ticketLabel(s)}</strong> {formatDate(s.createdAt)} {formatTime(s.createdAt)} ·{' '}
                    {formatMoney(s.total)}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </form>
      ) : (
        <form className="stack" onSubmit={submit}>
          <p>
            <strong>{ticketLabel(sale)}</strong> · {formatDate(sale.createdAt)} {formatTime(sale.createdAt)} ·{' '}
            {formatMoney(sale.total)}{' '}
            <button type="button" className="link" onClick={() => setSale(null)}>
              {t('ret.otherSale')}
            </button>
          </p>
          <table className="lines compact">
            <thead>
              <tr>
                <th>{t('sell.col.description')}</th>
                <th className="num">{t('ret.sold')}</th>
                <th className="num">{t('ret.returned')}</th>
                <th className="num">{t('ret.toReturn')}</th>
                <th>{t('ret.restock')}</th>
              </tr>
            </thead>
            <tbody>
              {sale.lines.map((l, i) => {
                const left = new D(l.quantity).minus(l.returnedQuantity);
                return (
                  <tr key={l.lineNo} data-testid="return-line">
                    <td>
                      {l.description} <span className="muted">{formatMoney(l.total)}</span>
                    </td>
                    <td className="num">{formatQuantity(l.quantity)}</td>
                    <td className="num">{formatQuantity(l.returnedQuantity)}</td>
                    <td className="num">
                      <input
                        name={`qty-${l.lineNo}`}
                        aria-label={`${t('ret.toReturn')} ${l.description}`}
                        inputMode="decimal"
                        size={6}
                        disabled={left.lte(0)}
                        value={qty[l.lineNo] ?? ''}
                        onChange={(e) => setQty({ ...qty, [l.lineNo]: e.target.value })}
                        data-autofocus={i === 0 ? true : undefined}
                      />
                    </td>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={t('ret.restock')}
                        checked={restock[l.lineNo] !== false}
                        onChange={(e) => setRestock({ ...restock, [l.lineNo]: e.target.checked })}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <div className="row">
            <label>
              {t('ret.reason')}
              <select name="reason" value={reason} onChange={(e) => setReason(e.target.value)}>
                {REASONS.map((r) => (
                  <option key={r.value} value={r.value}>
                    {t(r.label)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('ret.refund')}
              <select
                name="refundMethod"
                value={refundMethod}
                onChange={(e) => setRefundMethod(e.target.value as RefundMethod)}
              >
                <option value="cash">{t('pay.cash')}</option>
                <option value="card">{t('pay.card')}</option>
                <option value="spei">{t('ret.transfer')}</option>
                <option value="store_credit" disabled={!sale.customerId}>
                  {t('pay.storeCredit')}
                </option>
              </select>
            </label>
            {(refundMethod === 'card' || refundMethod === 'spei') && (
              <label>
                {t(refundMethod === 'card' ? 'ret.cardReference' : 'ret.transferReference')}
                <input
                  name="refundReference"
                  value={reference}
                  onChange={(e) => setReference(e.target.value)}
                />
              </label>
            )}
            <label className="grow">
              {t('note.title')}
              <input
                name="returnNote"
                value={note}
                onChange={(e) => setNote(e.target.value)}
                maxLength={500}
              />
            </label>
          </div>
          <p className="big-amount">{t('ret.estimate', { amount: formatMoney(estimate) })}</p>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <div className="row end">
            <button type="button" onClick={onClose}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="primary" disabled={busy}>
              {t('ret.submit')}
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}
