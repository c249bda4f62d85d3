import { D } from '@server/shared/money.js';
import { get, serverNow } from '../../lib/api';
import type { CashReport } from '../../lib/endpoints';
import { dbFor, kindOf, type QueuedSale } from '../../offline/db';
import type { TerminalSession } from './terminal-state';

/**
 * Corte X without the server: the last corte X the server gave for this session (kept in the
 * browser) plus what this register did since that the server may not have yet (sales, cash in
 * and out, abonos in the queue, and those that reached it after that corte). Provisional by
 * nature: the server's corte, when it is back, is the one that counts.
 */
export interface ProvisionalCorte {
  report: CashReport;
  /** When the server's corte it starts from was made; null: none (the session opened offline). */
  baseAt: string | null;
  /** Operations of this register added on top of it. */
  added: number;
}

const key = (sessionId: string) => `corte-x:${sessionId}`;

interface StoredCorte {
  report: CashReport;
  at: string;
}

/** A sale, opening, cash movement, abono or return of this terminal the server may not have yet. */
function inFlight(row: QueuedSale): boolean {
  return row.status === 'pending' || row.status === 'charging';
}

/**
 * Asks the server for the session's corte X and keeps it, quietly, as the start of a provisional
 * one should the connection drop later: called when the till opens, every minute and after money
 * moves online. Kept only when the terminal's queue was empty from before the question to after
 * the answer, so the corte holds exactly the operations made before `at` and none after.
 */
export async function refreshCorte(tenantId: string, sessionId: string): Promise<void> {
  const db = dbFor(tenantId);
  // the queue's clock (createdAt is the server's time as the till knows it)
  const at = serverNow().toISOString();
  const quiet = async () => !(await db.outbox.filter((r) => inFlight(r) || r.createdAt >= at).first());
  if (!(await quiet())) return;
  let report: CashReport;
  try {
    report = await get<CashReport>(`/cash-sessions/${sessionId}/corte-x`);
  } catch {
    return; // offline or refused: the provisional corte starts from the one kept before
  }
  if (report.status !== 'open' || !(await quiet())) return;
  await db.kv.put({ key: key(sessionId), value: { report, at } satisfies StoredCorte });
}

export async function provisionalCorte(
  tenantId: string,
  session: TerminalSession,
): Promise<ProvisionalCorte> {
  const db = dbFor(tenantId);
  const stored = (await db.kv.get(key(session.id)))?.value as StoredCorte | undefined;
  const rows = await db.outbox.toArray();
  return addQueued(stored ?? null, session, rows);
}

/**
 * Made after the stored corte (which the terminal kept only with nothing in flight) and not
 * refused: an operation that corte does not count and the server will (or already does).
 */
function unseenSince(row: QueuedSale, since: string | null): boolean {
  if (!inFlight(row) && row.status !== 'sent') return false; // refused: in no corte of the server
  return since === null || row.createdAt > since;
}

/**
 * The stored corte (or an empty one with the session's float) with this register's operations
 * the server had not counted when it made it. Pure: `rows` is the terminal's whole queue.
 */
export function addQueued(
  stored: StoredCorte | null,
  session: TerminalSession,
  rows: QueuedSale[],
): ProvisionalCorte {
  const base: CashReport = stored?.report ?? {
    cashSessionId: session.id,
    registerId: session.registerId,
    locationId: session.locationId,
    status: 'open',
    openingFloat: session.openingFloat,
    openedAt: session.openedAt,
    openedBy: session.openedBy,
    closedAt: null,
    closedBy: null,
    salesCount: 0,
    salesTotal: '0.00',
    byMethod: [],
    cashIn: '0.00',
    cashOut: '0.00',
    cashRefunds: '0.00',
    expectedCash: new D(session.openingFloat).toFixed(2),
    countedCash: null,
    difference: null,
    denominations: null,
  };
  const since = stored?.at ?? null;
  const methods = new Map(
    base.byMethod.map((m) => [
      m.method,
      { sales: new D(m.sales), refunds: new D(m.refunds), collections: new D(m.collections ?? '0') },
    ]),
  );
  const of = (method: string) => {
    const m = methods.get(method) ?? { sales: new D(0), refunds: new D(0), collections: new D(0) };
    methods.set(method, m);
    return m;
  };
  of('cash');
  let salesCount = base.salesCount;
  let salesTotal = new D(base.salesTotal);
  let cashIn = new D(base.cashIn);
  let cashOut = new D(base.cashOut);
  let cashRefunds = new D(base.cashRefunds);
  let added = 0;
  for (const row of rows) {
    if (!unseenSince(row, since)) continue;
    const body = row.body as Record<string, unknown>;
    const kind = kindOf(row);
    if (kind === 'sale' && body.cashSessionId === session.id) {
      const receipt = row.receipt as { total?: string; change?: string };
      const payments = (body.payments ?? []) as { method: string; amount: string }[];
      const paid = payments.reduce((a, p) => a.plus(p.amount), new D(0));
      salesCount++;
      salesTotal = salesTotal.plus(receipt.total ?? paid);
      for (const p of payments) of(p.method).sales = of(p.method).sales.plus(p.amount);
      // the change handed back comes out of the cash taken
      of('cash').sales = of('cash').sales.minus(receipt.change ?? '0');
      added++;
    } else if (kind === 'cash_movement' && row.path === `/cash-sessions/${session.id}/movements`) {
      if (body.kind === 'in') cashIn = cashIn.plus(body.amount as string);
      else cashOut = cashOut.plus(body.amount as string);
      added++;
    } else if (kind === 'account_payment' && body.registerId === session.registerId) {
      const m = of(body.method as string);
      m.collections = m.collections.plus(body.amount as string);
      added++;
    } else if (kind === 'return') {
      // A refund from this register (store credit has none): what the till worked out and paid.
      const refund = body.refund as { method: string; registerId?: string };
      const amount = (row.receipt as { refund?: { amount: string } }).refund?.amount;
      if (refund.registerId === session.registerId && amount) {
        of(refund.method).refunds = of(refund.method).refunds.plus(amount);
        if (refund.method === 'cash') cashRefunds = cashRefunds.plus(amount);
        added++;
      }
    }
  }
  const byMethod = [...methods.entries()].map(([method, m]) => {
    let expected = m.sales.minus(m.refunds).plus(m.collections);
    if (method === 'cash') expected = expected.plus(base.openingFloat).plus(cashIn).minus(cashOut);
    return {
      method,
      sales: m.sales.toFixed(2),
      refunds: m.refunds.toFixed(2),
      collections: m.collections.toFixed(2),
      expected: expected.toFixed(2),
    };
  });
  return {
    baseAt: since,
    added,
    report: {
      ...base,
      salesCount,
      salesTotal: salesTotal.toFixed(2),
      byMethod,
      cashIn: cashIn.toFixed(2),
      cashOut: cashOut.toFixed(2),
      cashRefunds: cashRefunds.toFixed(2),
      expectedCash: byMethod.find((m) => m.method === 'cash')!.expected,
    },
  };
}
