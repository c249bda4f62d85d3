import type { zAbonoInvoicePayment } from '@server/modules/accounts/accounts.schemas.js';
import { ACCOUNT_PAYMENT_METHODS } from '@server/modules/accounts/accounts.tables.js';
import { newId } from '@server/shared/ids.js';
import { D } from '@server/shared/money.js';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { z } from 'zod';
import { Modal } from '../../app/Modal';
import { ApiError, get, NetworkError, post } from '../../lib/api';
import { formatDate, formatMoney, parseMoneyInput } from '../../lib/format';
import { useT } from '../../lib/i18n';
import { paymentMethodName } from '../../lib/payment-methods';
import { useStore } from '../../lib/store';
import { connectivity, isOnline, markServerReachable } from '../../offline/connectivity';
import { enqueueOperation, flushOutbox, syncState } from '../../offline/outbox';
import type { TicketCustomer } from './ticket';

type AbonoInvoicePayment = z.infer<typeof zAbonoInvoicePayment>;

const METHODS = ACCOUNT_PAYMENT_METHODS;

/**
 * What the ticket's customer owes on account (fiado), while the server can be asked (offline, the
 * last answer); read again after the register's queue has sent what it held (an abono).
 */
export function useCustomerDebt(customerId: string | null) {
  const online = isOnline(useStore(connectivity));
  const synced = useStore(syncState).lastRunAt;
  return useQuery({
    queryKey: ['customer-account', customerId, synced],
    placeholderData: (previous) => previous,
    queryFn: () =>
      get<{ balance: string; oldestUnpaidAt: string | null }>(
        `/customers/${customerId}/account?limit=1`,
      ).then((a) => ({ balance: a.balance, since: a.oldestUnpaidAt })),
    enabled: !!customerId && online,
    staleTime: 0,
  });
}

/**
 * A payment on the customer's account (abono) at this register: it goes into the open session,
 * so the corte expects it on its method. It carries an id made here, its idempotency key: with
 * no connection (or no answer) it waits in the register's queue and is recorded once when the
 * server is back, where the balance is checked (a refusal then shows in the queue). The debt
 * shown offline is the last one read.
 */
export function AccountDialog({
  tenantId,
  customer,
  registerId,
  queueFirst,
  onClose,
}: {
  tenantId: string;
  customer: TicketCustomer;
  registerId: string;
  /** The session's opening is still queued: the abono must follow it through the queue. */
  queueFirst: boolean;
  onClose: () => void;
}) {
  const t = useT();
  const qc = useQueryClient();
  const online = isOnline(useStore(connectivity));
  const [paymentId] = useState(() => newId('acm'));
  const debt = useCustomerDebt(customer.id);
  const [amount, setAmount] = useState('');
  const [method, setMethod] = useState<(typeof METHODS)[number]>('cash');
  const [reference, setReference] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<{
    amount: string;
    balance: string | null;
    invoicePayments?: AbonoInvoicePayment[];
  } | null>(null);
  const balance = debt.data?.balance ?? null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy || balance === null) return;
    setError(null);
    const value = amount.trim() === '' ? new D(balance).toFixed(2) : parseMoneyInput(amount);
    if (!value || new D(value).lte(0)) return setError(t('pay.badAmount'));
    if (method !== 'cash' && !reference.trim()) return setError(t('account.referenceRequired'));
    setBusy(true);
    const path = `/customers/${customer.id}/account/payments`;
    const body = {
      id: paymentId,
      amount: value,
      method,
      registerId,
      ...(method !== 'cash' ? { reference: reference.trim() } : {}),
    };
    const refresh = () => qc.invalidateQueries({ queryKey: ['customer-account', customer.id] });
    const queue = async () => {
      const who = customer.name || customer.phone || '';
      await enqueueOperation(
        tenantId,
        { id: paymentId, kind: 'account_payment', path, body },
        t('account.queuedDescription', { amount: formatMoney(value), name: who }),
      );
      // the debt is read again when the queue's run ends (useCustomerDebt keys on it)
      if (online) void flushOutbox(tenantId);
      setDone({ amount: value, balance: null });
    };
    try {
      if (!online || queueFirst) return await queue();
      const r = await post<{ balance: string; invoicePayments: AbonoInvoicePayment[] }>(path, body, {
        timeoutMs: 8000,
      });
      markServerReachable(true);
      setDone({ amount: value, balance: r.balance, invoicePayments: r.invoicePayments });
      void refresh();
    } catch (err) {
      if (err instanceof NetworkError) {
        // No answer: queued under the same id, the server records it once.
        markServerReachable(false);
        await queue();
      } else if (err instanceof ApiError && err.code === 'ACCOUNT_PAYMENT_ID_REUSED') {
        setError(t('account.changedAfterSent'));
      } else setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal title={t('account.title', { name: customer.name || customer.phone || '' })} onClose={onClose}>
      {done ? (
        <div className="stack" data-testid="account-paid">
          <p className="ok-box">
            {done.balance === null
              ? t('account.queued', { amount: formatMoney(done.amount) })
              : new D(done.balance).isZero()
                ? t('account.paidOff', { amount: formatMoney(done.amount) })
                : t('account.ok', { amount: formatMoney(done.amount), balance: formatMoney(done.balance) })}
          </p>
          {done.invoicePayments?.map((p) => (
            <p key={p.invoiceId} className={p.errorCode ? 'error' : 'muted'} data-testid="account-pago">
              {p.errorCode
                ? t('account.pagoFailed', {
                    invoice: p.invoice,
                    amount: formatMoney(p.amount),
                    code: p.errorCode,
                  })
                : t('account.pagoIssued', { invoice: p.invoice, amount: formatMoney(p.amount) })}
            </p>
          ))}
          <button type="button" className="primary" onClick={onClose} data-autofocus>
            {t('common.close')}
          </button>
        </div>
      ) : (
        <form className="stack" onSubmit={submit}>
          {balance === null ? (
            <p className={debt.isError ? 'error' : 'muted'}>
              {debt.isError ? t('account.offline') : t('common.wait')}
            </p>
          ) : (
            <p className="big-amount" data-testid="account-owes">
              {t('account.owes', { amount: formatMoney(balance) })}
              {debt.data?.since && new D(balance).gt(0) ? (
                <small className="muted" data-testid="account-owes-since">
                  {' '}
                  {t('account.since', { date: formatDate(debt.data.since) })}
                </small>
              ) : null}
            </p>
          )}
          <label>
            {t('account.amount')}
            <input
              name="accountAmount"
              inputMode="decimal"
              placeholder={balance ?? ''}
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
              data-autofocus
            />
          </label>
          <label>
            {t('account.method')}
            <select
              name="accountMethod"
              value={method}
              onChange={(e) => setMethod(e.target.value as (typeof METHODS)[number])}
            >
              {METHODS.map((m) => (
                <option key={m} value={m}>
                  {paymentMethodName(m)}
                </option>
              ))}
            </select>
          </label>
          {method !== 'cash' && (
            <label>
              {t('account.reference')}
              <input
                name="accountReference"
                value={reference}
                onChange={(e) => setReference(e.target.value)}
              />
            </label>
          )}
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <div className="row end">
            <button type="button" onClick={onClose}>
              {t('common.cancel')}
            </button>
            <button
              type="submit"
              className="primary"
              disabled={busy || balance === null || new D(balance).lte(0)}
            >
              {t('account.confirm')}
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}
