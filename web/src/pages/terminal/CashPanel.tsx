import { newId } from '@server/shared/ids.js';
import { D } from '@server/shared/money.js';
import { type FormEvent, useEffect, useState } from 'react';
import { Modal } from '../../app/Modal';
import { ApiError, get, NetworkError, post, serverNow } from '../../lib/api';
import type { CashReport } from '../../lib/endpoints';
import { formatDateTime, formatDeduction, formatMoney, parseMoneyInput } from '../../lib/format';
import { type MessageKey, useT } from '../../lib/i18n';
import { paymentMethodName } from '../../lib/payment-methods';
import { useLiveQuery, useStore } from '../../lib/store';
import { connectivity, isOnline, markServerReachable } from '../../offline/connectivity';
import { enqueueOperation, flushOutbox } from '../../offline/outbox';
import { encodeCashReport } from '../../printing/escpos';
import { downloadBytes } from '../../printing/printer';
import { usePaper } from './ReceiptDialog';
import { type ProvisionalCorte, provisionalCorte, refreshCorte } from './provisional-corte';
import { useQueueCounts } from './TerminalFrame';
import { saveTerminal, type TerminalConfig, type TerminalSession } from './terminal-state';

/** Mexican bills and coins, largest first ($20 exists as both: one row). */
export const DENOMINATIONS = ['1000', '500', '200', '100', '50', '20', '10', '5', '2', '1', '0.50'];

type Tab = 'movement' | 'x' | 'z';

/** F10: cash in and out of the drawer, corte X (so far) and corte Z (count and close). */
export function CashPanel({
  tenantId,
  cfg,
  session,
  onClose,
}: {
  tenantId: string;
  cfg: TerminalConfig;
  session: TerminalSession;
  onClose: () => void;
}) {
  const t = useT();
  const online = isOnline(useStore(connectivity));
  const [tab, setTab] = useState<Tab>('movement');
  // the corte Z made; provisional when it was queued without the server
  const [closed, setClosed] = useState<{ report: CashReport; queued: boolean } | null>(null);
  const finish = () => {
    saveTerminal(tenantId, { ...cfg, session: null, merged: null });
  };
  // Cortes are the server's figures: without it (or before it has this session) the corte X is a
  // provisional one made here, and the corte Z is counted here and queued after the sales.
  const offline = !online || !!session.pendingSync;
  // Alt+1…3 switch tabs wherever the focus is while the panel is open (a shortcut pressed
  // before the dialog has focused its first field must not be lost).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey && ['1', '2', '3'].includes(e.key)) {
        e.preventDefault();
        setTab((['movement', 'x', 'z'] as Tab[])[Number(e.key) - 1]!);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <Modal title={t('cash.title')} onClose={closed ? finish : onClose} wide>
      {closed ? (
        <div className="stack">
          {closed.queued ? (
            <p className="warn-box" role="status" data-testid="corte-z-queued">
              {t('cash.closedQueued')}
            </p>
          ) : (
            <p className="ok-box">{t('cash.closedOk')}</p>
          )}
          <CashReportView report={closed.report} provisional={closed.queued} />
          <PrintReport report={closed.report} provisional={closed.queued} />
          <button type="button" className="primary big" onClick={finish} data-autofocus>
            {t('cash.finish')}
          </button>
        </div>
      ) : (
        <>
          <div className="methods" role="tablist">
            {(
              [
                ['movement', 'cash.tab.movement', 'Alt+1'],
                ['x', 'cash.tab.x', 'Alt+2'],
                ['z', 'cash.tab.z', 'Alt+3'],
              ] as [Tab, MessageKey, string][]
            ).map(([k, label, key]) => (
              <button
                key={k}
                type="button"
                role="tab"
                aria-selected={tab === k}
                className={tab === k ? 'active' : ''}
                onClick={() => setTab(k)}
              >
                <kbd>{key}</kbd> {t(label)}
              </button>
            ))}
          </div>
          <div>
            {tab === 'movement' && (
              <MovementForm tenantId={tenantId} session={session} online={online} onDone={onClose} />
            )}
            {tab === 'x' &&
              (offline ? (
                <ProvisionalCorteX tenantId={tenantId} session={session} />
              ) : (
                <CorteX session={session} />
              ))}
            {/* stays mounted while the connection blinks: a count half typed is not lost */}
            {tab === 'z' && (
              <CorteZ tenantId={tenantId} session={session} offline={offline} onClosed={setClosed} />
            )}
          </div>
        </>
      )}
    </Modal>
  );
}

/**
 * Cash in or out. Without the server (or before it has this session) the movement is queued
 * under the terminal's id, after the opening and the sales made before it.
 */
function MovementForm({
  tenantId,
  session,
  online,
  onDone,
}: {
  tenantId: string;
  session: TerminalSession;
  online: boolean;
  onDone: () => void;
}) {
  const t = useT();
  const [kind, setKind] = useState<'in' | 'out'>('out');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [ok, setOk] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const amt = parseMoneyInput(amount);
    if (!amt || new D(amt).lte(0)) return setError(t('pay.badAmount'));
    if (!reason.trim()) return setError(t('cash.reasonRequired'));
    const body = { id: newId('cmv'), kind, amount: amt, reason: reason.trim() };
    const path = `/cash-sessions/${session.id}/movements`;
    const queue = async () => {
      await enqueueOperation(
        tenantId,
        { id: body.id, kind: 'cash_movement', path, body },
        `${t(kind === 'in' ? 'cash.in' : 'cash.out')} ${formatMoney(amt)} — ${body.reason}`,
      );
      if (online) void flushOutbox(tenantId);
      setOk(t(kind === 'in' ? 'cash.inQueued' : 'cash.outQueued', { amount: formatMoney(amt) }));
      setAmount('');
      setReason('');
    };
    try {
      if (!online || session.pendingSync) return await queue();
      await post(path, body, { timeoutMs: 8000 });
      markServerReachable(true);
      void refreshCorte(tenantId, session.id);
      setOk(t(kind === 'in' ? 'cash.inDone' : 'cash.outDone', { amount: formatMoney(amt) }));
      setAmount('');
      setReason('');
    } catch (err) {
      if (err instanceof NetworkError) {
        // No answer: queued under the same id, the server records it once.
        markServerReachable(false);
        await queue();
      } else setError(err instanceof ApiError ? err.message : String(err));
    }
  }

  return (
    <form className="stack" onSubmit={submit}>
      <fieldset className="row">
        <label className="check">
          <input type="radio" name="kind" checked={kind === 'in'} onChange={() => setKind('in')} />{' '}
          {t('cash.in')}
        </label>
        <label className="check">
          <input type="radio" name="kind" checked={kind === 'out'} onChange={() => setKind('out')} />{' '}
          {t('cash.out')}
        </label>
      </fieldset>
      <div className="row">
        <label>
          {t('pay.amount')}
          <input
            name="movementAmount"
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            data-autofocus
          />
        </label>
        <label className="grow">
          {t('cash.reason')}
          <input
            name="movementReason"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder={t('cash.reasonExample')}
          />
        </label>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {ok && (
        <p className="ok-box" role="status">
          {ok}
        </p>
      )}
      <div className="row end">
        <button type="button" onClick={onDone}>
          {t('common.close')}
        </button>
        <button type="submit" className="primary">
          {t('cash.record')}
        </button>
      </div>
    </form>
  );
}

function CorteX({ session }: { session: TerminalSession }) {
  const t = useT();
  const [report, setReport] = useState<CashReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    get<CashReport>(`/cash-sessions/${session.id}/corte-x`)
      .then(setReport)
      .catch((err) => setError(err instanceof Error ? err.message : String(err)));
  }, [session.id]);
  if (error)
    return (
      <p className="error" role="alert">
        {error}
      </p>
    );
  if (!report) return <p>{t('common.loading')}</p>;
  return (
    <div className="stack">
      <CashReportView report={report} />
      <PrintReport report={report} />
    </div>
  );
}

/**
 * The corte X without the server: the last one it gave plus this register's operations it has not
 * counted yet, marked provisional (the corte Z still waits for the server).
 */
function ProvisionalCorteX({ tenantId, session }: { tenantId: string; session: TerminalSession }) {
  const t = useT();
  // read again whenever the queue changes (a sale charged, one sent when the network blinks)
  const corte = useLiveQuery<ProvisionalCorte | null>(
    () => provisionalCorte(tenantId, session),
    [tenantId, session],
    null,
  );
  if (!corte) return <p>{t('common.loading')}</p>;
  return (
    <div className="stack">
      <p className="warn-box" role="status" data-testid="corte-provisional">
        {corte.baseAt
          ? t('cash.provisional', { at: formatDateTime(corte.baseAt), n: corte.added })
          : t('cash.provisionalNoBase', { n: corte.added })}
      </p>
      <CashReportView report={corte.report} provisional />
    </div>
  );
}

function CorteZ({
  tenantId,
  session,
  offline,
  onClosed,
}: {
  tenantId: string;
  session: TerminalSession;
  /** No server (or it does not have this session yet): the close is queued after the sales. */
  offline: boolean;
  onClosed: (r: { report: CashReport; queued: boolean }) => void;
}) {
  const t = useT();
  const [counts, setCounts] = useState<Record<string, string>>({});
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const queue = useQueueCounts(tenantId);
  const counted = DENOMINATIONS.reduce(
    (a, d) => a.plus(new D(d).times(Number.parseInt(counts[d] || '0', 10) || 0)),
    new D(0),
  );

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (!offline && queue.pendingAll > 0) return setError(t('cash.pendingFirst', { n: queue.pendingAll }));
    setBusy(true);
    const denominations = DENOMINATIONS.map((d) => ({
      denomination: new D(d).toFixed(2),
      count: Number.parseInt(counts[d] || '0', 10) || 0,
    })).filter((x) => x.count > 0);
    const body = {
      countedCash: counted.toFixed(2),
      denominations,
      ...(note.trim() ? { note: note.trim() } : {}),
    };
    const path = `/cash-sessions/${session.id}/close`;
    // Without the server: counted here, queued behind the register's sales (the terminal's time
    // goes with it), and shown with the provisional figures until the server confirms them.
    const queueClose = async () => {
      const queued = { ...body, closedAt: serverNow().toISOString() };
      await enqueueOperation(
        tenantId,
        { id: newId('ccl'), kind: 'cash_close', path, body: queued },
        t('cash.closeQueuedDescription', { amount: formatMoney(queued.countedCash) }),
      );
      const { report } = await provisionalCorte(tenantId, session);
      onClosed({
        queued: true,
        report: {
          ...report,
          status: 'closed',
          closedAt: queued.closedAt,
          countedCash: queued.countedCash,
          difference: new D(queued.countedCash).minus(report.expectedCash).toFixed(2),
          denominations,
        },
      });
    };
    try {
      if (offline) return await queueClose();
      onClosed({ report: await post<CashReport>(path, body), queued: false });
    } catch (err) {
      // no answer: whether it closed or not, the queue sends it again and the server answers once
      if (err instanceof NetworkError) await queueClose();
      else setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="stack" onSubmit={submit}>
      <p className="muted">{t('cash.countHelp')}</p>
      <table className="denoms">
        <thead>
          <tr>
            <th>{t('cash.denomination')}</th>
            <th>{t('cash.count')}</th>
            <th className="num">{t('cash.subtotal')}</th>
          </tr>
        </thead>
        <tbody>
          {DENOMINATIONS.map((d, i) => {
            const n = Number.parseInt(counts[d] || '0', 10) || 0;
            return (
              <tr key={d}>
                <td>{formatMoney(d)}</td>
                <td>
                  <input
                    name={`denom-${d}`}
                    aria-label={`${t('cash.count')} ${formatMoney(d)}`}
                    inputMode="numeric"
                    size={5}
                    value={counts[d] ?? ''}
                    onChange={(e) => {
                      const v = e.target.value.replace(/\D/g, '');
                      setCounts((c) => ({ ...c, [d]: v }));
                    }}
                    data-autofocus={i === 0 ? true : undefined}
                  />
                </td>
                <td className="num">{formatMoney(new D(d).times(n))}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="big-amount" data-testid="counted-cash">
        {t('cash.counted')}: {formatMoney(counted)}
      </p>
      <label>
        {t('note.title')}
        <input name="closeNote" value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} />
      </label>
      {offline ? (
        <p className="warn-box" role="status" data-testid="corte-z-offline">
          {t('cash.closeOffline')}
        </p>
      ) : queue.pendingAll > 0 ? (
        <p className="warn-box">{t('cash.pendingFirst', { n: queue.pendingAll })}</p>
      ) : null}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary big" disabled={busy}>
        {t('cash.closeZ')}
      </button>
    </form>
  );
}

export function CashReportView({
  report,
  provisional = false,
}: {
  report: CashReport;
  provisional?: boolean;
}) {
  const t = useT();
  const diff = report.difference === null ? null : new D(report.difference);
  // Abonos received at this register: a column only when there were some.
  const withCollections = report.byMethod.some((m) => !new D(m.collections ?? '0').isZero());
  const cashCollections = new D(report.byMethod.find((m) => m.method === 'cash')?.collections ?? '0');
  return (
    <div className="cash-report" data-testid={report.status === 'closed' ? 'corte-z' : 'corte-x'}>
      <h3>
        {report.status === 'closed' ? t('cash.corteZ') : t('cash.corteX')}
        {provisional ? ` — ${t('cash.provisionalTag')}` : ''}
      </h3>
      <p className="muted">
        {t('cash.openedAt', { at: formatDateTime(report.openedAt) })}
        {report.closedAt ? ` · ${t('cash.closedAt', { at: formatDateTime(report.closedAt) })}` : ''}
      </p>
      <table className="lines compact">
        <thead>
          <tr>
            <th>{t('cash.method')}</th>
            <th className="num">{t('cash.sales')}</th>
            <th className="num">{t('cash.refunds')}</th>
            {withCollections ? <th className="num">{t('cash.collections')}</th> : null}
            <th className="num">{t('cash.expected')}</th>
          </tr>
        </thead>
        <tbody>
          {report.byMethod.map((m) => (
            <tr key={m.method}>
              <td>{paymentMethodName(m.method)}</td>
              <td className="num">{formatMoney(m.sales)}</td>
              <td className="num">{formatMoney(m.refunds)}</td>
              {withCollections ? <td className="num">{formatMoney(m.collections)}</td> : null}
              <td className="num">{formatMoney(m.expected)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="totals small">
        <dt>{t('cash.salesCount')}</dt>
        <dd>{report.salesCount}</dd>
        <dt>{t('cash.salesTotal')}</dt>
        <dd>{formatMoney(report.salesTotal)}</dd>
        <dt>{t('cash.float')}</dt>
        <dd>{formatMoney(report.openingFloat)}</dd>
        <dt>{t('cash.in')}</dt>
        <dd>{formatMoney(report.cashIn)}</dd>
        {cashCollections.isZero() ? null : (
          <>
            <dt>{t('cash.cashCollections')}</dt>
            <dd>{formatMoney(cashCollections.toFixed(2))}</dd>
          </>
        )}
        <dt>{t('cash.out')}</dt>
        <dd>{formatDeduction(report.cashOut)}</dd>
        <dt>{t('cash.cashRefunds')}</dt>
        <dd>{formatDeduction(report.cashRefunds)}</dd>
        <dt className="grand">{t('cash.expectedCash')}</dt>
        <dd className="grand" data-testid="expected-cash">
          {formatMoney(report.expectedCash)}
        </dd>
        {report.countedCash !== null && (
          <>
            <dt>{t('cash.counted')}</dt>
            <dd>{formatMoney(report.countedCash)}</dd>
            <dt>{t('cash.difference')}</dt>
            <dd
              className={diff && !diff.isZero() ? (diff.isNeg() ? 'neg' : 'pos') : ''}
              data-testid="difference"
            >
              {formatMoney(report.difference)}
            </dd>
          </>
        )}
      </dl>
      {report.mergedOpenings && report.mergedOpenings.length > 0 && (
        <div className="warn-box" data-testid="merged-openings">
          <strong>{t('cash.mergedOpenings')}</strong>
          {report.mergedOpenings.map((m) => (
            <div key={m.cashSessionId}>
              {t('cash.mergedOpening', {
                at: formatDateTime(m.openedAt),
                float: formatMoney(m.openingFloat),
              })}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

function PrintReport({ report, provisional = false }: { report: CashReport; provisional?: boolean }) {
  const t = useT();
  const [paper] = usePaper();
  return (
    <div className="row">
      <button type="button" onClick={() => window.print()}>
        {t('receipt.print')}
      </button>
      <button
        type="button"
        onClick={() =>
          downloadBytes(
            encodeCashReport(report, paper, provisional),
            `corte-${report.status === 'closed' ? 'z' : 'x'}-${report.cashSessionId}.bin`,
          )
        }
      >
        {t('cash.downloadEscpos')}
      </button>
    </div>
  );
}
