import { D } from '@server/shared/money.js';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { isManager, useAuth } from '../../app/auth';
import { ApiError, get, NetworkError, qs } from '../../lib/api';
import type { SellableSku } from '../../lib/catalog-types';
import { counterPrice, skuLabel } from '../../lib/catalog-types';
import { formatMoney, formatQuantity } from '../../lib/format';
import { type MessageKey, useT } from '../../lib/i18n';
import { useLiveQuery, useStore } from '../../lib/store';
import { cachedSkuByBarcode, rememberSku, searchCachedSkus } from '../../offline/catalog';
import { connectivity, isOnline, markServerReachable } from '../../offline/connectivity';
import { dbFor } from '../../offline/db';
import { AccountDialog, useCustomerDebt } from './AccountDialog';
import { refreshCorte } from './provisional-corte';
import { CashPanel } from './CashPanel';
import { ChargeDialog, type ChargeResult } from './ChargeDialog';
import { ConflictsDialog } from './ConflictsDialog';
import { CustomerDialog } from './CustomerDialog';
import { DiscountDialog, NoteDialog, QuantityDialog } from './LineDialogs';
import { ParkedDialog, parkTicket } from './ParkedDialog';
import { ReceiptDialog } from './ReceiptDialog';
import { ReturnsPanel } from './ReturnsPanel';
import { TerminalFrame } from './TerminalFrame';
import { computeTicket, emptyTicket, type Ticket, ticketReducer } from './ticket';
import { loadDraft, saveDraft, type TerminalConfig, type TerminalSession } from './terminal-state';

type Dialog =
  | null
  | { kind: 'quantity'; key: string }
  | { kind: 'weight'; sku: SellableSku; barcode: string | null }
  | { kind: 'discount'; target: 'line' | 'ticket' }
  | { kind: 'note' }
  | { kind: 'customer' }
  | { kind: 'account' }
  | { kind: 'parked' }
  | { kind: 'charge' }
  | { kind: 'receipt'; saleId: string }
  | { kind: 'returns' }
  | { kind: 'cash' }
  | { kind: 'conflicts' };

const SCAN_RE = /^(?:(\d+(?:[.,]\d{1,3})?)\*)?(\d{4,14})$/;

interface FKey {
  key: string;
  label: MessageKey;
  action: () => void;
  disabled?: boolean;
}

/** The sell screen: scan or search, adjust lines, see exact totals, charge. Keyboard first. */
export function SellScreen({
  tenantId,
  cfg,
  session,
}: {
  tenantId: string;
  cfg: TerminalConfig;
  /** pendingSync: opened offline; its sales queue behind the opening. */
  session: TerminalSession;
}) {
  const t = useT();
  const { user } = useAuth();
  const conn = useStore(connectivity);
  const online = isOnline(conn);
  const manager = isManager(user);
  const [ticket, dispatch] = useReducer(
    ticketReducer,
    undefined,
    () => loadDraft<Ticket>(tenantId, cfg.register.id) ?? emptyTicket(),
  );
  const [selected, setSelected] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<SellableSku[]>([]);
  const [highlight, setHighlight] = useState(0);
  const [message, setMessage] = useState<{ kind: 'error' | 'info'; text: string } | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  // what the ticket's customer owes on account (fiado): shown by their name, paid from there
  const debt = useCustomerDebt(ticket.customer?.id ?? null);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => saveDraft(tenantId, cfg.register.id, ticket), [tenantId, cfg.register.id, ticket]);
  // The server's corte X, kept for a provisional one should the connection drop: on opening the
  // till, every minute, and when a dialog that may move money online outside the queue (cash
  // in/out, an abono, a refund) closes. Sales need none: they are in the queue with their time.
  const sessionId = cfg.session && !cfg.session.pendingSync ? cfg.session.id : null;
  const moneyDialogOpen = dialog?.kind === 'cash' || dialog?.kind === 'account' || dialog?.kind === 'returns';
  useEffect(() => {
    if (!sessionId || !online || moneyDialogOpen) return;
    void refreshCorte(tenantId, sessionId);
    const timer = setInterval(() => void refreshCorte(tenantId, sessionId), 60_000);
    return () => clearInterval(timer);
  }, [tenantId, sessionId, online, moneyDialogOpen]);

  const totals = useMemo(() => computeTicket(ticket), [ticket]);
  const selectedLine = ticket.lines.find((l) => l.key === selected) ?? ticket.lines[ticket.lines.length - 1];

  // Stock as last seen (loaded with the catalog, then live from the event stream).
  const skuIds = useMemo(() => [...new Set(ticket.lines.map((l) => l.skuId))], [ticket.lines]);
  const stock = useLiveQuery(
    async () => {
      const rows = await dbFor(tenantId)
        .stock.where('[locationId+skuId]')
        .anyOf(skuIds.map((id) => [cfg.location.id, id]))
        .toArray();
      return new Map(rows.map((r) => [r.skuId, r.available]));
    },
    [tenantId, cfg.location.id, skuIds.join(',')],
    new Map<string, string>(),
  );
  const wanted = useMemo(() => {
    const m = new Map<string, InstanceType<typeof D>>();
    for (const l of ticket.lines) m.set(l.skuId, (m.get(l.skuId) ?? new D(0)).plus(l.quantity));
    return m;
  }, [ticket.lines]);
  const shortages = ticket.lines
    .filter((l, i, all) => all.findIndex((x) => x.skuId === l.skuId) === i)
    .filter((l) => {
      const avail = stock.get(l.skuId);
      return avail !== undefined && new D(avail).lt(wanted.get(l.skuId) ?? 0);
    })
    .map((l) => ({ description: l.description, available: stock.get(l.skuId)! }));

  const focusInput = useCallback(() => {
    setTimeout(() => inputRef.current?.focus(), 0);
  }, []);

  const closeDialog = useCallback(() => {
    setDialog(null);
    focusInput();
  }, [focusInput]);

  // `fromScan`: the scan path cleared the field before its lookup; clearing it again here would
  // wipe the digits of the next scan a fast scanner has typed meanwhile.
  const addSku = useCallback(
    (sku: SellableSku, quantity: string | null, barcode: string | null, fromScan = false) => {
      if (!fromScan) {
        setQuery('');
        setResults([]);
      }
      setMessage(null);
      if (sku.soldByWeight && !quantity) {
        setDialog({ kind: 'weight', sku, barcode });
        return;
      }
      let q = new D(quantity ?? '1');
      if (!sku.soldByWeight && !q.isInteger()) q = q.ceil();
      dispatch({ type: 'add', sku, quantity: q.toFixed(3), barcode });
      setSelected(null);
    },
    [],
  );
  // Scans are looked up one after another, so lines keep the order they were scanned in.
  const scanChain = useRef<Promise<void>>(Promise.resolve());

  const lookupBarcode = useCallback(
    async (code: string): Promise<SellableSku | null> => {
      const local = await cachedSkuByBarcode(tenantId, code);
      if (local) return local;
      if (!online) return null;
      try {
        const sku = await get<SellableSku>(`/catalog/barcodes/${encodeURIComponent(code)}`, {
          timeoutMs: 4000,
        });
        markServerReachable(true);
        await rememberSku(tenantId, sku);
        return sku;
      } catch (err) {
        if (err instanceof NetworkError) markServerReachable(false);
        if (err instanceof ApiError && err.status !== 404) setMessage({ kind: 'error', text: err.message });
        return null;
      }
    },
    [tenantId, online],
  );

  // Typing a name searches (the server when online, the browser copy otherwise).
  useEffect(() => {
    const q = query.trim();
    if (q.length < 2 || SCAN_RE.test(q)) {
      setResults([]);
      return;
    }
    let cancelled = false;
    const timer = setTimeout(async () => {
      let items: SellableSku[] = [];
      if (online) {
        try {
          items = (
            await get<{ items: SellableSku[] }>(`/catalog/search${qs({ q, limit: 12 })}`, { timeoutMs: 4000 })
          ).items;
        } catch (err) {
          if (err instanceof NetworkError) markServerReachable(false);
          items = await searchCachedSkus(tenantId, q, 12);
        }
      } else items = await searchCachedSkus(tenantId, q, 12);
      if (!cancelled) {
        setResults(items.filter((s) => s.active !== false));
        setHighlight(0);
      }
    }, 120);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [query, online, tenantId]);

  async function submitInput() {
    const raw = query.trim();
    if (!raw) {
      if (ticket.lines.length > 0) setDialog({ kind: 'charge' });
      return;
    }
    const scan = SCAN_RE.exec(raw);
    if (scan) {
      const qty = scan[1] ? scan[1].replace(',', '.') : null;
      const code = scan[2]!;
      setQuery('');
      setResults([]);
      const run = async () => {
        const sku = await lookupBarcode(code);
        if (sku) addSku(sku, qty, code, true);
        else setMessage({ kind: 'error', text: t('sell.notFound', { code }) });
      };
      scanChain.current = scanChain.current.then(run, run);
      await scanChain.current;
      return;
    }
    const pick = results[highlight];
    if (pick) addSku(pick, null, null);
  }

  function removeSelected() {
    if (!selectedLine) return;
    dispatch({ type: 'remove', key: selectedLine.key });
    setSelected(null);
  }

  async function park() {
    if (ticket.lines.length === 0) {
      setDialog({ kind: 'parked' });
      return;
    }
    try {
      await parkTicket(tenantId, cfg, ticket);
      dispatch({ type: 'clear' });
      setMessage({ kind: 'info', text: t('sell.parked') });
    } catch (err) {
      setMessage({ kind: 'error', text: err instanceof Error ? err.message : String(err) });
    }
    focusInput();
  }

  function charged(result: ChargeResult) {
    // What was sold leaves the stock this terminal shows until the server's event confirms it.
    const db = dbFor(tenantId);
    void db.transaction('rw', db.stock, async () => {
      for (const [skuId, qty] of wanted) {
        const row = await db.stock.get([cfg.location.id, skuId]);
        if (row) await db.stock.put({ ...row, available: new D(row.available).minus(qty).toFixed(3) });
      }
    });
    dispatch({ type: 'clear' });
    setDialog({ kind: 'receipt', saleId: result.saleId });
  }

  const fkeys: FKey[] = [
    {
      key: 'F2',
      label: 'sell.f.charge',
      action: () => setDialog({ kind: 'charge' }),
      disabled: ticket.lines.length === 0,
    },
    { key: 'F3', label: 'sell.f.customer', action: () => setDialog({ kind: 'customer' }) },
    {
      key: 'F4',
      label: 'sell.f.quantity',
      action: () => selectedLine && setDialog({ kind: 'quantity', key: selectedLine.key }),
      disabled: !selectedLine,
    },
    {
      key: 'F6',
      label: 'sell.f.discount',
      action: () => setDialog({ kind: 'discount', target: selectedLine ? 'line' : 'ticket' }),
      disabled: !manager || ticket.lines.length === 0,
    },
    { key: 'F7', label: 'sell.f.note', action: () => setDialog({ kind: 'note' }) },
    { key: 'F8', label: ticket.lines.length ? 'sell.f.park' : 'sell.f.resume', action: () => void park() },
    { key: 'F9', label: 'sell.f.returns', action: () => setDialog({ kind: 'returns' }) },
    { key: 'F10', label: 'sell.f.cash', action: () => setDialog({ kind: 'cash' }) },
  ];

  // F-keys work wherever the focus is, unless a dialog is open (it has its own keys).
  const fkeysRef = useRef(fkeys);
  fkeysRef.current = fkeys;
  const dialogRef = useRef(dialog);
  dialogRef.current = dialog;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (dialogRef.current) return;
      if (e.key === 'F6' && e.shiftKey) {
        e.preventDefault();
        if (manager && fkeysRef.current.length) setDialog({ kind: 'discount', target: 'ticket' });
        return;
      }
      const f = fkeysRef.current.find((k) => k.key === e.key);
      if (f) {
        e.preventDefault();
        if (!f.disabled) f.action();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [manager]);

  useEffect(() => {
    if (!dialog) inputRef.current?.focus();
  }, [dialog]);

  function onInputKey(e: React.KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'Enter') {
      e.preventDefault();
      void submitInput();
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (results.length) setHighlight((h) => Math.min(h + 1, results.length - 1));
      else moveSelection(1);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      if (results.length) setHighlight((h) => Math.max(h - 1, 0));
      else moveSelection(-1);
    } else if (e.key === 'Escape') {
      setQuery('');
      setResults([]);
      setMessage(null);
    } else if ((e.key === 'Delete' || (e.key === 'Backspace' && e.ctrlKey)) && query === '') {
      e.preventDefault();
      removeSelected();
    } else if (
      (e.key === '+' || e.key === '-') &&
      query === '' &&
      selectedLine &&
      !selectedLine.soldByWeight
    ) {
      e.preventDefault();
      const q = new D(selectedLine.quantity).plus(e.key === '+' ? 1 : -1);
      if (q.gt(0)) dispatch({ type: 'setQuantity', key: selectedLine.key, quantity: q.toFixed(3) });
    }
  }

  function moveSelection(delta: number) {
    if (ticket.lines.length === 0) return;
    const idx = selectedLine
      ? ticket.lines.findIndex((l) => l.key === selectedLine.key)
      : ticket.lines.length - 1;
    const next = Math.min(Math.max(idx + delta, 0), ticket.lines.length - 1);
    setSelected(ticket.lines[next]!.key);
  }

  const ivaLines = totals.taxes.filter((x) => x.amount !== '0.00' || x.tax === 'IVA');

  return (
    <TerminalFrame cfg={cfg} onShowConflicts={() => setDialog({ kind: 'conflicts' })}>
      <div className="sell">
        <section className="sell-left">
          <div className="scan-box">
            <input
              ref={inputRef}
              className="scan-input"
              data-testid="scan-input"
              aria-label={t('sell.scanLabel')}
              placeholder={t('sell.scanPlaceholder')}
              autoComplete="off"
              spellCheck={false}
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              onKeyDown={onInputKey}
            />
            {results.length > 0 && (
              <div className="search-results" role="listbox" aria-label={t('sell.results')}>
                {results.map((s, i) => (
                  <div
                    key={s.id}
                    role="option"
                    tabIndex={-1}
                    aria-selected={i === highlight}
                    className={i === highlight ? 'active' : ''}
                    onMouseDown={(e) => {
                      e.preventDefault();
                      addSku(s, null, null);
                    }}
                  >
                    <span>{skuLabel(s)}</span>
                    <span className="muted">{s.sku}</span>
                    <strong>
                      {formatMoney(counterPrice(s))}
                      {s.soldByWeight ? ' /kg' : ''}
                    </strong>
                  </div>
                ))}
              </div>
            )}
          </div>
          {message && (
            <p
              className={message.kind === 'error' ? 'error' : 'info'}
              role={message.kind === 'error' ? 'alert' : 'status'}
            >
              {message.text}
            </p>
          )}
          <div className="lines-wrap">
            <table className="lines" data-testid="ticket-lines">
              <thead>
                <tr>
                  <th>{t('sell.col.description')}</th>
                  <th className="num">{t('sell.col.quantity')}</th>
                  <th className="num">{t('sell.col.price')}</th>
                  <th className="num">{t('sell.col.discount')}</th>
                  <th className="num">{t('sell.col.total')}</th>
                </tr>
              </thead>
              <tbody>
                {ticket.lines.map((l, i) => {
                  const lt = totals.lines[i]!;
                  const avail = stock.get(l.skuId);
                  const short = avail !== undefined && new D(avail).lt(wanted.get(l.skuId) ?? 0);
                  return (
                    <tr
                      key={l.key}
                      className={l.key === selectedLine?.key ? 'selected' : ''}
                      onClick={() => {
                        setSelected(l.key);
                        focusInput();
                      }}
                      data-testid="ticket-line"
                    >
                      <td>
                        <div>{l.description}</div>
                        {avail !== undefined && (
                          <div className={`stock ${short ? 'short' : ''}`} data-testid="line-stock">
                            {new D(avail).lte(0)
                              ? t('sell.soldOut')
                              : short
                                ? t('sell.onlyLeft', { n: formatQuantity(avail, l.soldByWeight) })
                                : t('sell.inStock', { n: formatQuantity(avail, l.soldByWeight) })}
                          </div>
                        )}
                      </td>
                      <td className="num">{formatQuantity(l.quantity, l.soldByWeight)}</td>
                      <td className="num">{formatMoney(l.unitPrice)}</td>
                      <td className="num">
                        {new D(lt.discount).isZero() ? '' : `-${formatMoney(lt.discount)}`}
                      </td>
                      <td className="num strong">{formatMoney(lt.total)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {ticket.lines.length === 0 && <p className="empty">{t('sell.empty')}</p>}
          </div>
        </section>
        <aside className="sell-right">
          <div className="customer-box">
            {ticket.customer ? (
              <>
                <span>{t('sell.customer')}</span>
                <strong data-testid="customer-name">{ticket.customer.name || ticket.customer.phone}</strong>
                {debt.data && new D(debt.data.balance).gt(0) ? (
                  <button
                    type="button"
                    className="link danger"
                    data-testid="customer-debt"
                    onClick={() => setDialog({ kind: 'account' })}
                  >
                    {t('account.owesPay', { amount: formatMoney(debt.data.balance) })}
                  </button>
                ) : null}
                <button
                  type="button"
                  className="link"
                  onClick={() => dispatch({ type: 'setCustomer', customer: null })}
                >
                  {t('common.remove')}
                </button>
              </>
            ) : (
              <span className="muted">{t('sell.noCustomer')}</span>
            )}
          </div>
          {ticket.note && <p className="note">📝 {ticket.note}</p>}
          <dl className="totals" data-testid="totals">
            <dt>{t('sell.items')}</dt>
            <dd>{formatQuantity(totals.itemCount)}</dd>
            <dt>{t('sell.subtotal')}</dt>
            <dd data-testid="subtotal">{formatMoney(totals.subtotal)}</dd>
            {!new D(totals.discountTotal).isZero() && (
              <>
                <dt>{t('sell.discount')}</dt>
                <dd data-testid="discount">-{formatMoney(totals.discountTotal)}</dd>
              </>
            )}
            {ivaLines.map((x) => (
              <TaxRow key={`${x.tax}${x.rate}${x.factor}`} tax={x} />
            ))}
            <dt className="grand">{t('sell.total')}</dt>
            <dd className="grand" data-testid="total">
              {formatMoney(totals.total)}
            </dd>
          </dl>
          {shortages.length > 0 && (
            <div className="warn-box" role="alert" data-testid="stock-warning">
              {shortages.map((s) => (
                <div key={s.description}>
                  {new D(s.available).lte(0)
                    ? t('sell.soldOutNamed', { name: s.description })
                    : t('sell.shortNamed', { name: s.description, n: formatQuantity(s.available) })}
                </div>
              ))}
            </div>
          )}
          <button
            type="button"
            className="primary charge-button"
            disabled={ticket.lines.length === 0}
            onClick={() => setDialog({ kind: 'charge' })}
          >
            {t('sell.chargeButton')} <kbd>F2</kbd>
          </button>
        </aside>
      </div>
      <div className="fkeys" role="toolbar" aria-label={t('sell.shortcuts')}>
        {fkeys.map((f) => (
          <button key={f.key} type="button" disabled={f.disabled} onClick={f.action} title={t(f.label)}>
            <kbd>{f.key}</kbd> {t(f.label)}
          </button>
        ))}
        <span className="hint">{t('sell.hint')}</span>
      </div>

      {dialog?.kind === 'quantity' && selectedLine && (
        <QuantityDialog
          line={ticket.lines.find((l) => l.key === dialog.key)!}
          onClose={closeDialog}
          onSave={(quantity) => {
            dispatch({ type: 'setQuantity', key: dialog.key, quantity });
            closeDialog();
          }}
        />
      )}
      {dialog?.kind === 'weight' && (
        <QuantityDialog
          weighing={dialog.sku}
          onClose={closeDialog}
          onSave={(quantity) => {
            dispatch({ type: 'add', sku: dialog.sku, quantity, barcode: dialog.barcode });
            closeDialog();
          }}
        />
      )}
      {dialog?.kind === 'discount' && (
        <DiscountDialog
          target={dialog.target}
          line={dialog.target === 'line' ? selectedLine : undefined}
          lineTotal={
            dialog.target === 'line' && selectedLine
              ? new D(selectedLine.quantity).times(selectedLine.unitPrice).toFixed(2)
              : totals.total
          }
          current={dialog.target === 'line' ? (selectedLine?.discount ?? '0.00') : ticket.ticketDiscount}
          onClose={closeDialog}
          onSave={(discount) => {
            if (dialog.target === 'line' && selectedLine)
              dispatch({ type: 'setLineDiscount', key: selectedLine.key, discount });
            else dispatch({ type: 'setTicketDiscount', discount });
            closeDialog();
          }}
          onSwitch={(target) => setDialog({ kind: 'discount', target })}
        />
      )}
      {dialog?.kind === 'note' && (
        <NoteDialog
          note={ticket.note}
          onClose={closeDialog}
          onSave={(note) => {
            dispatch({ type: 'setNote', note });
            closeDialog();
          }}
        />
      )}
      {dialog?.kind === 'customer' && (
        <CustomerDialog
          onClose={closeDialog}
          onPick={(customer) => {
            dispatch({ type: 'setCustomer', customer });
            closeDialog();
          }}
        />
      )}
      {dialog?.kind === 'account' && ticket.customer && (
        <AccountDialog
          tenantId={tenantId}
          customer={ticket.customer}
          registerId={cfg.register.id}
          queueFirst={!!cfg.session?.pendingSync}
          onClose={closeDialog}
        />
      )}
      {dialog?.kind === 'parked' && (
        <ParkedDialog
          tenantId={tenantId}
          cfg={cfg}
          onClose={closeDialog}
          onResume={(tk) => {
            dispatch({ type: 'replace', ticket: tk });
            closeDialog();
          }}
        />
      )}
      {dialog?.kind === 'charge' && (
        <ChargeDialog
          tenantId={tenantId}
          cfg={cfg}
          session={session}
          ticket={ticket}
          totals={totals}
          shortages={shortages}
          onClose={closeDialog}
          onCharged={charged}
        />
      )}
      {dialog?.kind === 'receipt' && (
        <ReceiptDialog tenantId={tenantId} cfg={cfg} saleId={dialog.saleId} onClose={closeDialog} />
      )}
      {dialog?.kind === 'returns' && (
        <ReturnsPanel tenantId={tenantId} cfg={cfg} session={session} online={online} onClose={closeDialog} />
      )}
      {dialog?.kind === 'cash' && (
        <CashPanel tenantId={tenantId} cfg={cfg} session={session} onClose={closeDialog} />
      )}
      {dialog?.kind === 'conflicts' && <ConflictsDialog tenantId={tenantId} onClose={closeDialog} />}
    </TerminalFrame>
  );
}

function TaxRow({ tax }: { tax: { tax: string; factor: string; rate: string | null; amount: string } }) {
  const t = useT();
  const rate =
    tax.factor === 'Exento'
      ? t('sell.exempt')
      : tax.factor === 'Cuota'
        ? t('sell.quota')
        : `${new D(tax.rate ?? '0').times(100).toDecimalPlaces(2).toString()} %`;
  return (
    <>
      <dt>
        {tax.tax} {rate}
      </dt>
      <dd>{formatMoney(tax.amount)}</dd>
    </>
  );
}
