import { newId } from '@server/shared/ids.js';
import { D } from '@server/shared/money.js';
import { useEffect, useRef, useState } from 'react';
import { useAuth } from '../../app/auth';
import { Modal } from '../../app/Modal';
import { ApiError, serverNow } from '../../lib/api';
import type { PaymentInput, PaymentMethod, Sale } from '../../lib/endpoints';
import { formatMoney, formatQuantity, parseMoneyInput } from '../../lib/format';
import { type MessageKey, useT } from '../../lib/i18n';
import { useStore } from '../../lib/store';
import { connectivity, isOnline } from '../../offline/connectivity';
import { recordNow } from '../../offline/outbox';
import type { TerminalConfig, TerminalSession } from './terminal-state';
import type { Ticket, TicketTotals } from './ticket';

export interface ChargeResult {
  saleId: string;
  sale: Sale | null;
}

/** What the receipt shows before (or without) the server's answer. */
export interface ReceiptSnapshot {
  saleId: string;
  createdAt: string;
  cashier: string;
  registerName: string;
  locationName: string;
  customer: { name: string; phone: string | null } | null;
  note: string;
  lines: {
    description: string;
    quantity: string;
    soldByWeight: boolean;
    unitPrice: string;
    discount: string;
    total: string;
  }[];
  subtotal: string;
  discountTotal: string;
  taxTotal: string;
  total: string;
  taxes: { tax: string; factor: string; rate: string | null; amount: string }[];
  payments: { method: PaymentMethod; amount: string; reference?: string; details?: Record<string, string> }[];
  change: string;
}

const METHODS: { method: PaymentMethod; label: MessageKey }[] = [
  { method: 'cash', label: 'pay.cash' },
  { method: 'card', label: 'pay.card' },
  { method: 'spei', label: 'pay.spei' },
  { method: 'codi', label: 'pay.codi' },
  { method: 'dimo', label: 'pay.dimo' },
  { method: 'voucher', label: 'pay.voucher' },
  { method: 'cheque', label: 'pay.cheque' },
  { method: 'store_credit', label: 'pay.storeCredit' },
  { method: 'on_account', label: 'pay.onAccount' },
];

/** Transfers that settle over SPEI and carry a clave de rastreo. */
const TRANSFERS = new Set<PaymentMethod>(['spei', 'codi', 'dimo']);

const BILLS = ['20', '50', '100', '200', '500'];
const BRANDS = ['Visa', 'Mastercard', 'American Express', 'Carnet', 'Otra'];

/**
 * F2: split the total across cash (quick bills, change shown large), card (crédito/débito
 * decides the CFDI forma de pago), SPEI, CoDi and DiMo (each with its clave de rastreo), vouchers,
 * cheque, store credit and on account. The sale is stored
 * in the browser before it is sent, under the id this terminal generated.
 */
export function ChargeDialog({
  tenantId,
  cfg,
  session,
  ticket,
  totals,
  shortages,
  onClose,
  onCharged,
}: {
  tenantId: string;
  cfg: TerminalConfig;
  session: TerminalSession;
  ticket: Ticket;
  totals: TicketTotals;
  shortages: { description: string; available: string }[];
  onClose: () => void;
  onCharged: (r: ChargeResult) => void;
}) {
  const t = useT();
  const { user } = useAuth();
  const online = isOnline(useStore(connectivity));
  const [payments, setPayments] = useState<PaymentInput[]>([]);
  const [method, setMethod] = useState<PaymentMethod>('cash');
  const [amount, setAmount] = useState('');
  const [cardType, setCardType] = useState<'credito' | 'debito' | ''>('');
  const [brand, setBrand] = useState('');
  const [last4, setLast4] = useState('');
  const [reference, setReference] = useState('');
  const [bank, setBank] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const amountRef = useRef<HTMLInputElement>(null);

  const total = new D(totals.total);
  const paid = payments.reduce((a, p) => a.plus(p.amount), new D(0));
  const nonCash = payments.filter((p) => p.method !== 'cash').reduce((a, p) => a.plus(p.amount), new D(0));
  const remaining = D.max(total.minus(paid), 0);
  const change = D.max(paid.minus(total), 0);
  const covered = paid.gte(total) && nonCash.lte(total);
  const needsCustomer = method === 'store_credit' || method === 'on_account';

  // A new method: the amount field gets the focus again.
  const focusAmount = (m: PaymentMethod) => {
    setMethod(m);
    setTimeout(() => amountRef.current?.focus(), 0);
  };
  useEffect(() => {
    amountRef.current?.focus();
  }, []);

  function addPayment(value?: string): boolean {
    setError(null);
    const raw = value ?? (amount.trim() === '' ? remaining.toFixed(2) : amount);
    const amt = parseMoneyInput(raw);
    if (!amt || new D(amt).lte(0)) {
      setError(t('pay.badAmount'));
      return false;
    }
    if (method !== 'cash' && nonCash.plus(amt).gt(total)) {
      setError(t('pay.nonCashOver'));
      return false;
    }
    if (needsCustomer && !ticket.customer) {
      setError(t('pay.needsCustomer'));
      return false;
    }
    let p: PaymentInput;
    if (method === 'cash') p = { method, amount: amt };
    else if (method === 'card') {
      if (!cardType) return fail(t('pay.cardTypeRequired'));
      if (last4 && !/^\d{4}$/.test(last4)) return fail(t('pay.last4'));
      if (!reference.trim()) return fail(t('pay.authRequired'));
      p = {
        method,
        amount: amt,
        cardType,
        reference: reference.trim(),
        authCode: reference.trim(),
        ...(brand ? { brand } : {}),
        ...(last4 ? { last4 } : {}),
      };
    } else if (method === 'cheque') {
      if (!reference.trim()) return fail(t('pay.chequeRequired'));
      p = { method, amount: amt, reference: reference.trim(), ...(bank.trim() ? { bank: bank.trim() } : {}) };
    } else if (method !== 'store_credit' && method !== 'on_account') {
      if (!reference.trim())
        return fail(method === 'voucher' ? t('pay.voucherRequired') : t('pay.speiRequired'));
      p = { method, amount: amt, reference: reference.trim() };
    } else p = { method, amount: amt };
    setPayments((ps) => [...ps, p]);
    setAmount('');
    setReference('');
    setLast4('');
    setBank('');
    return true;
  }

  function fail(msg: string): false {
    setError(msg);
    return false;
  }

  async function charge() {
    if (busy) return;
    if (!covered) {
      setError(t('pay.notCovered', { remaining: formatMoney(remaining) }));
      return;
    }
    setBusy(true);
    setError(null);
    const id = newId('sale');
    const body: Record<string, unknown> = {
      id,
      registerId: cfg.register.id,
      cashSessionId: session.id,
      lines: ticket.lines.map((l) => ({
        skuId: l.skuId,
        // the catalog version the line was priced with: the server charges what the till showed
        skuVersion: l.skuVersion,
        quantity: l.quantity,
        ...(new D(l.discount).isZero() ? {} : { discount: new D(l.discount).toFixed(2) }),
      })),
      payments,
      ...(ticket.customer ? { customerId: ticket.customer.id } : {}),
      ...(new D(ticket.ticketDiscount || '0').isZero()
        ? {}
        : { discount: new D(ticket.ticketDiscount).toFixed(2) }),
      ...(ticket.note ? { note: ticket.note } : {}),
    };
    const receipt: ReceiptSnapshot = {
      saleId: id,
      createdAt: serverNow().toISOString(),
      cashier: user?.name ?? '',
      registerName: cfg.register.name,
      locationName: cfg.location.name,
      customer: ticket.customer ? { name: ticket.customer.name, phone: ticket.customer.phone } : null,
      note: ticket.note,
      lines: ticket.lines.map((l, i) => ({
        description: l.description,
        quantity: l.quantity,
        soldByWeight: l.soldByWeight,
        unitPrice: l.unitPrice,
        discount: totals.lines[i]!.discount,
        total: totals.lines[i]!.total,
      })),
      subtotal: totals.subtotal,
      discountTotal: totals.discountTotal,
      taxTotal: totals.taxTotal,
      total: totals.total,
      taxes: totals.taxes,
      payments: payments.map((p) => ({ ...p })),
      change: change.toFixed(2),
    };
    try {
      // A session opened offline is not on the server until its queued opening is: the sale
      // queues behind it (sending it now would find no such session).
      const sale = await recordNow<Sale>(
        tenantId,
        { id, body, receipt: receipt as unknown as Record<string, unknown>, createdAt: receipt.createdAt },
        { sendNow: online && !session.pendingSync },
      );
      onCharged({ saleId: id, sale });
    } catch (err) {
      // The server refused it while the cashier is still here: nothing was sold, fix and retry.
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  function onKey(e: React.KeyboardEvent) {
    if (e.altKey && /^[1-9]$/.test(e.key)) {
      e.preventDefault();
      focusAmount(METHODS[Number(e.key) - 1]!.method);
      return;
    }
    if (e.key === 'F2') {
      e.preventDefault();
      void charge();
    }
  }

  return (
    <Modal title={t('pay.title')} onClose={onClose} wide className="charge">
      {/* biome-ignore lint/a11y/noStaticElementInteractions: the dialog's own shortcuts (Alt+1…9, F2) */}
      <div className="charge-grid" onKeyDown={onKey}>
        <div className="charge-summary">
          <div className="sum-row">
            <span>{t('pay.total')}</span>
            <strong className="amount-xl" data-testid="charge-total">
              {formatMoney(total)}
            </strong>
          </div>
          <div className="sum-row">
            <span>{t('pay.paid')}</span>
            <strong data-testid="charge-paid">{formatMoney(paid)}</strong>
          </div>
          {change.gt(0) ? (
            <div className="sum-row change">
              <span>{t('pay.change')}</span>
              <strong className="amount-xxl" data-testid="charge-change">
                {formatMoney(change)}
              </strong>
            </div>
          ) : (
            <div className="sum-row remaining">
              <span>{t('pay.remaining')}</span>
              <strong className="amount-xl" data-testid="charge-remaining">
                {formatMoney(remaining)}
              </strong>
            </div>
          )}
          <ul className="payments" data-testid="payments">
            {payments.map((p, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: payments are only appended or removed; position is identity
              <li key={i}>
                <span>
                  {t(METHODS.find((m) => m.method === p.method)!.label)}
                  {p.method === 'card' && p.cardType
                    ? ` ${t(p.cardType === 'credito' ? 'pay.credit' : 'pay.debit')}`
                    : ''}
                  {'reference' in p && p.reference ? ` · ${p.reference}` : ''}
                </span>
                <strong>{formatMoney(p.amount)}</strong>
                <button
                  type="button"
                  className="icon"
                  aria-label={t('common.remove')}
                  onClick={() => setPayments((ps) => ps.filter((_, j) => j !== i))}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
          {shortages.length > 0 && (
            <div className="warn-box" role="alert">
              {shortages.map((s) => (
                <div key={s.description}>
                  {new D(s.available).lte(0)
                    ? t('sell.soldOutNamed', { name: s.description })
                    : t('sell.shortNamed', { name: s.description, n: formatQuantity(s.available) })}
                </div>
              ))}
            </div>
          )}
          {!online && <p className="info">{t('pay.offlineNote')}</p>}
        </div>
        <div className="charge-entry">
          <div className="methods" role="tablist">
            {METHODS.map((m, i) => (
              <button
                key={m.method}
                type="button"
                role="tab"
                aria-selected={method === m.method}
                className={method === m.method ? 'active' : ''}
                onClick={() => focusAmount(m.method)}
              >
                <kbd>Alt+{i + 1}</kbd> {t(m.label)}
              </button>
            ))}
          </div>
          <form
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              if (amount.trim() === '' && covered) void charge();
              else addPayment();
            }}
          >
            <label>
              {t('pay.amount')}
              <input
                ref={amountRef}
                name="amount"
                inputMode="decimal"
                placeholder={remaining.toFixed(2)}
                value={amount}
                onChange={(e) => setAmount(e.target.value)}
              />
            </label>
            {method === 'cash' && (
              <div className="bills">
                {BILLS.map((b) => (
                  <button key={b} type="button" onClick={() => addPayment(b)}>
                    {formatMoney(b)}
                  </button>
                ))}
                <button
                  type="button"
                  onClick={() => addPayment(remaining.toFixed(2))}
                  disabled={remaining.isZero()}
                >
                  {t('pay.exact')}
                </button>
              </div>
            )}
            {method === 'card' && (
              <>
                <fieldset className="row">
                  <legend>{t('pay.cardType')}</legend>
                  <label className="check">
                    <input
                      type="radio"
                      name="cardType"
                      checked={cardType === 'credito'}
                      onChange={() => setCardType('credito')}
                    />
                    {t('pay.credit')}
                  </label>
                  <label className="check">
                    <input
                      type="radio"
                      name="cardType"
                      checked={cardType === 'debito'}
                      onChange={() => setCardType('debito')}
                    />
                    {t('pay.debit')}
                  </label>
                </fieldset>
                <div className="row">
                  <label className="grow">
                    {t('pay.brand')}
                    <select name="brand" value={brand} onChange={(e) => setBrand(e.target.value)}>
                      <option value="">—</option>
                      {BRANDS.map((b) => (
                        <option key={b} value={b}>
                          {b}
                        </option>
                      ))}
                    </select>
                  </label>
                  <label>
                    {t('pay.last4Label')}
                    <input
                      name="last4"
                      inputMode="numeric"
                      maxLength={4}
                      size={5}
                      value={last4}
                      onChange={(e) => setLast4(e.target.value)}
                    />
                  </label>
                </div>
                <label>
                  {t('pay.authCode')}
                  <input name="reference" value={reference} onChange={(e) => setReference(e.target.value)} />
                </label>
              </>
            )}
            {TRANSFERS.has(method) && (
              <label>
                {t('pay.speiRef')}
                <input name="reference" value={reference} onChange={(e) => setReference(e.target.value)} />
              </label>
            )}
            {method === 'voucher' && (
              <label>
                {t('pay.voucherRef')}
                <input name="reference" value={reference} onChange={(e) => setReference(e.target.value)} />
              </label>
            )}
            {method === 'cheque' && (
              <div className="row">
                <label>
                  {t('pay.chequeNumber')}
                  <input name="reference" value={reference} onChange={(e) => setReference(e.target.value)} />
                </label>
                <label>
                  {t('pay.chequeBank')}
                  <input name="bank" value={bank} onChange={(e) => setBank(e.target.value)} />
                </label>
              </div>
            )}
            {needsCustomer && !ticket.customer && <p className="error">{t('pay.needsCustomer')}</p>}
            <button type="submit" disabled={busy}>
              {t('pay.add')} <kbd>Enter</kbd>
            </button>
          </form>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <button
            type="button"
            className="primary big"
            disabled={!covered || busy}
            onClick={() => void charge()}
            data-testid="charge-confirm"
          >
            {busy ? t('common.wait') : t('pay.confirm')} <kbd>F2</kbd>
          </button>
        </div>
      </div>
    </Modal>
  );
}
