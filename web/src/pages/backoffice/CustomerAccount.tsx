import type {
  zAbonoInvoicePayment,
  zAccount,
  zReceivables,
} from '@server/modules/accounts/accounts.schemas.js';
import { ACCOUNT_PAYMENT_METHODS } from '@server/modules/accounts/accounts.tables.js';
import { D } from '@server/shared/money.js';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { z } from 'zod';
import { isManager, useAuth } from '../../app/auth';
import { API_BASE, type ApiError, api, get, qs, usePostOnce } from '../../lib/api';
import type { Register } from '../../lib/endpoints';
import {
  businessToday,
  formatDate,
  formatDateTime,
  formatMoney,
  formatPhone,
  parseMoneyInput,
} from '../../lib/format';
import { paymentMethodName } from '../../lib/payment-methods';
import { debtReminderText, whatsappLink } from '../../lib/whatsapp';
import { useL } from './lang';
import { ErrorBox, Field, fieldErrorsOf, Loading, PageHeader, ShowMore } from './ui';

type Account = z.infer<typeof zAccount>;
type AbonoInvoicePayment = z.infer<typeof zAbonoInvoicePayment>;
type Receivables = z.infer<typeof zReceivables>;

const METHODS = ACCOUNT_PAYMENT_METHODS;

function useOpenRegisters() {
  return useQuery({
    queryKey: ['registers', 'open'],
    queryFn: () =>
      get<{ items: Register[] }>('/registers').then((r) =>
        r.items.filter((x) => x.active && x.openCashSessionId),
      ),
  });
}

/**
 * A customer's account (fiado): what they owe, the statement with the balance after each line,
 * and a payment (abono) taken here. Cash goes into a register with an open session and shows on
 * its corte; a transfer or card payment may name one or none. Shown once the customer has bought
 * on account.
 */
export function CustomerAccount({
  customerId,
  contact,
}: {
  customerId: string;
  /** who to remind of the debt, when they have a phone */
  contact?: { name: string; phone: string | null };
}) {
  const l = useL();
  const qc = useQueryClient();
  const account = useQuery({
    queryKey: ['customer-account', customerId],
    queryFn: () => get<Account>(`/customers/${customerId}/account`),
  });
  // payments are taken by whoever may sell (the server's SELLERS); an agent only sees the account
  const mayTakePayments = isManager(useAuth().user);
  const registers = useOpenRegisters();
  const [amount, setAmount] = useState('');
  const [method, setMethod] = useState<(typeof METHODS)[number]>('cash');
  const [reference, setReference] = useState('');
  const [registerId, setRegisterId] = useState('');
  const [note, setNote] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const [amountError, setAmountError] = useState<string | null>(null);
  const postOnce = usePostOnce();
  const pay = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      postOnce<{ balance: string; invoicePayments: AbonoInvoicePayment[] }>(
        `/customers/${customerId}/account/payments`,
        body,
      ),
    onSuccess: (r) => {
      setAmount('');
      setReference('');
      setNote('');
      // the credit invoices it paid, each with its CFDI de pago (or why not)
      const pagos = r.invoicePayments.map((p) =>
        p.errorCode
          ? l(
              ` El complemento de pago de la factura ${p.invoice} (${formatMoney(p.amount)}) no se pudo emitir aún (${p.errorCode}): se emite solo en cuanto se pueda.`,
              ` The payment complement for invoice ${p.invoice} (${formatMoney(p.amount)}) could not be issued yet (${p.errorCode}): it is issued by itself as soon as it can be.`,
            )
          : l(
              ` Complemento de pago de la factura ${p.invoice}: ${formatMoney(p.amount)}.`,
              ` Payment complement for invoice ${p.invoice}: ${formatMoney(p.amount)}.`,
            ),
      );
      setDone(
        (new D(r.balance).isZero()
          ? l('Abono registrado: la cuenta queda pagada.', 'Payment recorded: the account is paid off.')
          : l(
              `Abono registrado: debe ${formatMoney(r.balance)}.`,
              `Payment recorded: owes ${formatMoney(r.balance)}.`,
            )) + pagos.join(''),
      );
      void qc.invalidateQueries({ queryKey: ['invoices'] });
      void qc.invalidateQueries({ queryKey: ['customer-account', customerId] });
      void qc.invalidateQueries({ queryKey: ['receivables'] });
    },
  });
  const a = account.data;
  if (account.isLoading) return <Loading />;
  if (!a) return <ErrorBox error={account.error} />;
  // a manager sees it from the start, to set a limit before the first purchase on account
  if (new D(a.charged).plus(a.opening).isZero() && !mayTakePayments) return null;
  const errors = fieldErrorsOf(pay.error, (e: ApiError) =>
    e.code.startsWith('ACCOUNT_PAYMENT_EXCEEDS')
      ? 'amount'
      : e.code.includes('REGISTER')
        ? 'registerId'
        : null,
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    setAmountError(null);
    const value = parseMoneyInput(amount);
    if (!value || new D(value).lte(0))
      return setAmountError(l('Escribe un importe mayor que cero.', 'Type an amount above zero.'));
    pay.mutate({
      amount: value,
      method,
      ...(method !== 'cash' && reference.trim() ? { reference: reference.trim() } : {}),
      ...(registerId ? { registerId } : {}),
      ...(note.trim() ? { note: note.trim() } : {}),
    });
  };
  return (
    <section aria-label={l('Cuenta del cliente', 'Customer account')} data-testid="customer-account">
      <h3>
        {l('Cuenta (fiado)', 'Account (credit)')}:{' '}
        <span className={new D(a.balance).gt(0) ? 'error' : ''} data-testid="account-balance">
          {new D(a.balance).gt(0)
            ? l(`debe ${formatMoney(a.balance)}`, `owes ${formatMoney(a.balance)}`)
            : l('al corriente', 'paid up')}
        </span>
      </h3>
      <p className="small muted">
        {l(
          `${new D(a.opening).gt(0) ? `Saldo anterior ${formatMoney(a.opening)} · ` : ''}Compró a cuenta ${formatMoney(a.charged)} · abonó ${formatMoney(a.paid)} · devoluciones ${formatMoney(a.returned)}`,
          `${new D(a.opening).gt(0) ? `Carried over ${formatMoney(a.opening)} · ` : ''}Bought on account ${formatMoney(a.charged)} · paid ${formatMoney(a.paid)} · returns ${formatMoney(a.returned)}`,
        )}
      </p>
      {new D(a.balance).gt(0) && a.oldestUnpaidAt ? (
        <p className="small" data-testid="account-owes-since">
          {l('Debe desde el', 'Owes since')} <OwesSince at={a.oldestUnpaidAt} />
          {contact?.phone ? (
            <>
              {' · '}
              <ReminderLink
                name={contact.name}
                phone={contact.phone}
                balance={a.balance}
                since={a.oldestUnpaidAt}
              />
            </>
          ) : null}
        </p>
      ) : null}
      {mayTakePayments ? <CreditLimitForm account={a} /> : null}
      {mayTakePayments ? <OpeningBalanceForm customerId={customerId} /> : null}
      {mayTakePayments && new D(a.balance).gt(0) ? (
        <form
          className="bo-grid"
          onSubmit={submit}
          aria-label={l('Registrar abono', 'Record a payment')}
          noValidate
        >
          <Field label={l('Abono', 'Payment')} error={amountError ?? errors.amount}>
            <input
              value={amount}
              inputMode="decimal"
              placeholder={new D(a.balance).toFixed(2)}
              onChange={(e) => setAmount(e.target.value)}
            />
          </Field>
          <Field label={l('Forma de pago', 'Paid by')}>
            <select value={method} onChange={(e) => setMethod(e.target.value as (typeof METHODS)[number])}>
              {METHODS.map((m) => (
                <option key={m} value={m}>
                  {paymentMethodName(m)}
                </option>
              ))}
            </select>
          </Field>
          {method !== 'cash' ? (
            <Field label={l('Referencia', 'Reference')} error={errors.reference}>
              <input value={reference} maxLength={100} onChange={(e) => setReference(e.target.value)} />
            </Field>
          ) : null}
          <Field label={l('Caja que lo recibe', 'Register receiving it')} error={errors.registerId}>
            <select value={registerId} onChange={(e) => setRegisterId(e.target.value)}>
              <option value="">{method === 'cash' ? l('Elige…', 'Choose…') : l('Ninguna', 'None')}</option>
              {(registers.data ?? []).map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label={l('Nota', 'Note')}>
            <input value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
          </Field>
          <div className="bo-field">
            <span>&nbsp;</span>
            <button type="submit" className="button primary" disabled={pay.isPending}>
              {l('Registrar abono', 'Record payment')}
            </button>
          </div>
        </form>
      ) : null}
      {Object.keys(errors).length ? null : <ErrorBox error={pay.error} />}
      {done ? (
        <p className="badge ok" role="status">
          {done}
        </p>
      ) : null}
      <p>
        <Link to={`/admin/customers/${customerId}/statement`}>
          {l('Estado de cuenta para imprimir', 'Printable statement')}
        </Link>
      </p>
      <StatementTable account={a} />
    </section>
  );
}

/** The credit limit: how much the customer may owe on account; empty, no limit. */
function CreditLimitForm({ account }: { account: Account }) {
  const l = useL();
  const qc = useQueryClient();
  const [value, setValue] = useState(account.creditLimit ?? '');
  const [bad, setBad] = useState(false);
  const save = useMutation({
    mutationFn: (creditLimit: string | null) =>
      api<Account>('PUT', `/customers/${account.customerId}/account/limit`, { creditLimit }),
    onSuccess: (a) => qc.setQueryData(['customer-account', account.customerId], a),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBad(false);
    if (value.trim() === '') return save.mutate(null);
    const v = parseMoneyInput(value);
    if (v === null) return setBad(true);
    save.mutate(v);
  };
  const room =
    account.creditLimit === null
      ? null
      : D.max(new D(account.creditLimit).minus(account.balance), 0).toFixed(2);
  return (
    <form className="bo-row" onSubmit={submit} aria-label={l('Límite de crédito', 'Credit limit')} noValidate>
      <Field
        label={l('Límite de crédito (vacío: sin límite)', 'Credit limit (empty: none)')}
        error={bad ? l('Un importe como 500 o 1500.50.', 'An amount like 500 or 1500.50.') : undefined}
      >
        <input value={value} inputMode="decimal" onChange={(e) => setValue(e.target.value)} />
      </Field>
      <button type="submit" className="button small" disabled={save.isPending}>
        {l('Guardar límite', 'Save limit')}
      </button>
      <span className="small muted" data-testid="credit-room">
        {room === null
          ? l('Sin límite', 'No limit')
          : l(`Le quedan ${formatMoney(room)} de crédito`, `${formatMoney(room)} of credit left`)}
      </span>
      <ErrorBox error={save.error} />
    </form>
  );
}

const addsToDebt = (kind: Account['statement'][number]['kind']) => kind === 'charge' || kind === 'opening';

/**
 * A debt the customer had before the shop kept accounts here (the notebook), with the day it
 * began: a manager carries it over once, and it ages from that day.
 */
function OpeningBalanceForm({ customerId }: { customerId: string }) {
  const l = useL();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [amount, setAmount] = useState('');
  const [since, setSince] = useState(businessToday());
  const [note, setNote] = useState('');
  const [bad, setBad] = useState(false);
  // the same entry sent again (a lost answer, a second click) is recorded once
  const postOnce = usePostOnce();
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      postOnce<{ balance: string }>(`/customers/${customerId}/account/opening`, body),
    onSuccess: () => {
      setOpen(false);
      setAmount('');
      setNote('');
      void qc.invalidateQueries({ queryKey: ['customer-account', customerId] });
      void qc.invalidateQueries({ queryKey: ['receivables'] });
    },
  });
  if (!open)
    return (
      <button type="button" className="button small" onClick={() => setOpen(true)}>
        {l('Pasar saldo anterior (libreta)', 'Carry over a previous balance')}
      </button>
    );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBad(false);
    const v = parseMoneyInput(amount);
    if (!v || new D(v).lte(0)) return setBad(true);
    save.mutate({ amount: v, since, ...(note.trim() ? { note: note.trim() } : {}) });
  };
  const errors = fieldErrorsOf(save.error, (e: ApiError) =>
    e.code === 'ACCOUNT_OPENING_DATE_INVALID' ? 'since' : null,
  );
  return (
    <form
      className="bo-grid"
      onSubmit={submit}
      aria-label={l('Saldo anterior', 'Previous balance')}
      noValidate
    >
      <Field
        label={l('Debía de antes', 'Owed from before')}
        error={bad ? l('Escribe un importe mayor que cero.', 'Type an amount above zero.') : errors.amount}
      >
        <input value={amount} inputMode="decimal" onChange={(e) => setAmount(e.target.value)} />
      </Field>
      <Field label={l('Desde el día', 'Since')} error={errors.since}>
        <input type="date" value={since} max={businessToday()} onChange={(e) => setSince(e.target.value)} />
      </Field>
      <Field label={l('Nota', 'Note')}>
        <input
          value={note}
          maxLength={500}
          placeholder={l('Libreta, hoja 12', 'Notebook, page 12')}
          onChange={(e) => setNote(e.target.value)}
        />
      </Field>
      <div className="bo-field">
        <span>&nbsp;</span>
        <button type="submit" className="button primary" disabled={save.isPending}>
          {l('Agregar a su cuenta', 'Add to the account')}
        </button>
      </div>
      {Object.keys(errors).length ? null : <ErrorBox error={save.error} />}
    </form>
  );
}

/** The statement's lines as a table: date, what, charge, credit, balance after. */
function StatementTable({ account }: { account: Account }) {
  const l = useL();
  return (
    <table className="lines compact" data-testid="account-statement">
      <thead>
        <tr>
          <th>{l('Fecha', 'Date')}</th>
          <th>{l('Movimiento', 'Entry')}</th>
          <th className="num">{l('Cargo', 'Charge')}</th>
          <th className="num">{l('Abono', 'Credit')}</th>
          <th className="num">{l('Saldo', 'Balance')}</th>
        </tr>
      </thead>
      <tbody>
        {account.statement.map((e) => (
          <tr key={`${e.kind}:${e.saleId ?? e.movementId}`}>
            <td>{formatDateTime(e.at)}</td>
            <td>
              {e.kind === 'charge'
                ? l(`Compra, ticket ${e.ticketNumber}`, `Purchase, ticket ${e.ticketNumber}`)
                : e.kind === 'opening'
                  ? l(
                      'Saldo anterior (de antes de Mostrador)',
                      'Balance carried over (from before Mostrador)',
                    )
                  : e.kind === 'return'
                    ? l('Devolución', 'Return')
                    : `${l('Abono', 'Payment')} · ${paymentMethodName(e.method ?? '')}${e.reference ? ` ${e.reference}` : ''}`}
              {e.note ? <span className="muted small"> — {e.note}</span> : null}
            </td>
            <td className="num">{addsToDebt(e.kind) ? formatMoney(e.amount) : ''}</td>
            <td className="num">{addsToDebt(e.kind) ? '' : formatMoney(e.amount)}</td>
            <td className="num">{formatMoney(e.balanceAfter)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * Estado de cuenta: a customer's account on one printable page, to hand over or send: the
 * business, the customer, what they owe and every line that led to it.
 */
export function AccountStatementPage() {
  const l = useL();
  const { customerId = '' } = useParams();
  const account = useQuery({
    queryKey: ['customer-account', customerId, 'all'],
    queryFn: () => get<Account>(`/customers/${customerId}/account?limit=500`),
  });
  const customer = useQuery({
    queryKey: ['customer', customerId],
    queryFn: () => get<{ name: string; phone: string | null }>(`/customers/${customerId}`),
  });
  const business = useBusiness();
  const a = account.data;
  return (
    <div>
      <PageHeader title={l('Estado de cuenta', 'Account statement')}>
        <Link className="button small" to={`/admin/customers?customer=${customerId}`}>
          {l('Volver a su ficha', 'Back to the record')}
        </Link>
        <button type="button" className="button small primary" onClick={() => window.print()}>
          {l('Imprimir', 'Print')}
        </button>
      </PageHeader>
      <ErrorBox error={account.error ?? customer.error} />
      {!a || !customer.data ? (
        <Loading />
      ) : (
        <article className="card bo-section print-area" data-testid="account-statement-page">
          <h2>
            {business.data?.legalName ?? business.data?.name ?? ''}
            {business.data?.rfc ? <span className="small muted"> · RFC {business.data.rfc}</span> : null}
          </h2>
          <p>
            {l('Estado de cuenta de', 'Account statement of')} <strong>{customer.data.name}</strong>
            {customer.data.phone ? ` · ${formatPhone(customer.data.phone)}` : ''} · {l('al', 'as of')}{' '}
            {formatDateTime(new Date().toISOString())}
          </p>
          <p className="big-amount" data-testid="statement-balance">
            {new D(a.balance).gt(0)
              ? l(`Saldo por pagar: ${formatMoney(a.balance)}`, `Balance due: ${formatMoney(a.balance)}`)
              : l('Sin saldo por pagar', 'Nothing due')}
          </p>
          <p className="small muted">
            {l(
              `Compras a cuenta ${formatMoney(a.charged)} · abonos ${formatMoney(a.paid)} · devoluciones ${formatMoney(a.returned)}`,
              `Purchases on account ${formatMoney(a.charged)} · payments ${formatMoney(a.paid)} · returns ${formatMoney(a.returned)}`,
            )}
            {a.creditLimit
              ? ` · ${l('límite de crédito', 'credit limit')} ${formatMoney(a.creditLimit)}`
              : ''}
          </p>
          <StatementTable account={a} />
        </article>
      )}
    </div>
  );
}

/** Cuentas por cobrar: who owes on account, largest debt first, each linked to their card. */
/** Whole days from `at` to now. */
function daysSince(at: string): number {
  return Math.floor((Date.now() - new Date(at).getTime()) / 86_400_000);
}

function useBusiness() {
  return useQuery({
    queryKey: ['business'],
    queryFn: () => get<{ name: string; legalName: string | null; rfc: string | null }>('/business'),
  });
}

/** «06/11/2026 (hace 30 días)»: since when a customer owes. */
function OwesSince({ at }: { at: string }) {
  const l = useL();
  const days = daysSince(at);
  return (
    <>
      {formatDate(at)}{' '}
      <small className="muted">
        {days <= 0
          ? l('(hoy)', '(today)')
          : days === 1
            ? l('(hace 1 día)', '(1 day ago)')
            : l(`(hace ${days} días)`, `(${days} days ago)`)}
      </small>
    </>
  );
}

/** Opens the shop's WhatsApp with a reminder of the debt written, for a person to send. */
function ReminderLink(props: { name: string; phone: string; balance: string; since: string | null }) {
  const l = useL();
  const business = useBusiness();
  if (!business.data) return null;
  const text = debtReminderText({ ...props, business: business.data.name });
  return (
    <a
      href={whatsappLink(props.phone, text)}
      target="_blank"
      rel="noopener noreferrer"
      title={l(
        'Abre WhatsApp con el recordatorio escrito, para enviarlo tú',
        'Opens WhatsApp with the reminder written, for you to send',
      )}
    >
      {l('Recordar por WhatsApp', 'Remind on WhatsApp')}
    </a>
  );
}

export function ReceivablesPage() {
  const l = useL();
  // largest debts first, 200 at a time; the totals and ages are of everyone who owes
  const pages = useInfiniteQuery({
    queryKey: ['receivables'],
    initialPageParam: '',
    queryFn: ({ pageParam }) =>
      get<Receivables & { nextCursor: string | null }>(
        `/accounts/receivable${qs({ limit: 200, cursor: pageParam || undefined })}`,
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const first = pages.data?.pages[0];
  const data = first ? { ...first, items: pages.data!.pages.flatMap((p) => p.items) } : undefined;
  const buckets: Array<[keyof Receivables['aging'], string, string]> = [
    ['upTo30', 'Hasta 30 días', 'Up to 30 days'],
    ['from31To60', 'De 31 a 60 días', '31 to 60 days'],
    ['from61To90', 'De 61 a 90 días', '61 to 90 days'],
    ['over90', 'Más de 90 días', 'Over 90 days'],
  ];
  return (
    <div>
      <PageHeader title={l('Cuentas por cobrar', 'Receivables')}>
        <span className="bo-downloads">
          <a className="button small" href={`${API_BASE}/accounts/receivable?format=csv`} download>
            CSV
          </a>
          <a className="button small" href={`${API_BASE}/accounts/receivable?format=xlsx`} download>
            {l('Excel', 'Excel')}
          </a>
        </span>
      </PageHeader>
      {data && data.items.length > 0 ? (
        <div className="bo-kpis bo-kpis-4" data-testid="receivables-aging">
          {buckets.map(([k, es, en]) => (
            <div key={k} className="card kpi">
              <span>{l(es, en)}</span>
              <strong className={k !== 'upTo30' && new D(data.aging[k]).gt(0) ? 'neg' : undefined}>
                {formatMoney(data.aging[k])}
              </strong>
            </div>
          ))}
        </div>
      ) : null}
      <section className="card bo-section">
        <ErrorBox error={pages.error} />
        {data ? (
          data.items.length === 0 ? (
            <p className="muted">
              {l('Nadie debe nada a cuenta.', 'Nobody owes anything on account.')}{' '}
              <Link to="/admin/customers/import">
                {l(
                  '¿Vienes de la libreta? Importa lo que te deben tus clientes.',
                  'Coming from a notebook? Import what your customers owe you.',
                )}
              </Link>
            </p>
          ) : (
            <table className="lines compact" data-testid="receivables">
              <thead>
                <tr>
                  <th>{l('Cliente', 'Customer')}</th>
                  <th>{l('Teléfono', 'Phone')}</th>
                  <th>{l('Debe desde', 'Owes since')}</th>
                  <th>{l('Última compra a cuenta', 'Last purchase on account')}</th>
                  <th>{l('Último abono', 'Last payment')}</th>
                  <th className="num">{l('Debe', 'Owes')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {data.items.map((r) => {
                  const late = r.oldestUnpaidAt !== null && daysSince(r.oldestUnpaidAt) > 30;
                  return (
                    <tr key={r.customerId} className={late ? 'row-warn' : undefined}>
                      <td>
                        <Link to={`/admin/customers?customer=${r.customerId}`}>{r.name || r.customerId}</Link>
                      </td>
                      <td>{r.phone ? formatPhone(r.phone) : ''}</td>
                      <td>{r.oldestUnpaidAt ? <OwesSince at={r.oldestUnpaidAt} /> : ''}</td>
                      <td>{r.lastChargeAt ? formatDateTime(r.lastChargeAt) : ''}</td>
                      <td>{r.lastPaymentAt ? formatDateTime(r.lastPaymentAt) : l('nunca', 'never')}</td>
                      <td className="num">{formatMoney(r.balance)}</td>
                      <td>
                        {r.phone ? (
                          <ReminderLink
                            name={r.name}
                            phone={r.phone}
                            balance={r.balance}
                            since={r.oldestUnpaidAt}
                          />
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
                <tr>
                  <td colSpan={5}>
                    <strong>
                      {data.count > data.items.length
                        ? l(
                            `Total de los ${data.count} clientes que deben`,
                            `Total of the ${data.count} customers who owe`,
                          )
                        : l('Total', 'Total')}
                    </strong>
                  </td>
                  <td className="num">
                    <strong>{formatMoney(data.total)}</strong>
                  </td>
                  <td />
                </tr>
              </tbody>
            </table>
          )
        ) : (
          <Loading />
        )}
        <ShowMore query={pages} />
      </section>
    </div>
  );
}
