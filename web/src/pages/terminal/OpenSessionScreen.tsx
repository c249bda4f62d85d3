import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, NetworkError, post } from '../../lib/api';
import type { CashSession } from '../../lib/endpoints';
import { formatMoney, parseMoneyInput } from '../../lib/format';
import { useT } from '../../lib/i18n';
import { TerminalFrame } from './TerminalFrame';
import { fetchOpenSession } from './setup';
import { saveTerminal, type TerminalConfig } from './terminal-state';

/** Opening the drawer: the cashier counts the float and the session starts. */
export function OpenSessionScreen({ tenantId, cfg }: { tenantId: string; cfg: TerminalConfig }) {
  const t = useT();
  const [float, setFloat] = useState('500.00');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // Someone may have opened this register from another browser: take that session.
  useEffect(() => {
    fetchOpenSession(cfg.register.id)
      .then((s) => {
        if (s) saveTerminal(tenantId, { ...cfg, session: s });
      })
      .catch(() => {});
  }, [tenantId, cfg]);

  async function open(e: FormEvent) {
    e.preventDefault();
    const amount = parseMoneyInput(float);
    if (amount === null) {
      setError(t('open.badAmount'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const session = await post<CashSession>('/cash-sessions', {
        registerId: cfg.register.id,
        openingFloat: amount,
      });
      saveTerminal(tenantId, { ...cfg, session });
    } catch (err) {
      if (err instanceof NetworkError) setError(t('open.offline'));
      else if (err instanceof ApiError && err.code === 'CASH_SESSION_ALREADY_OPEN') {
        const s = await fetchOpenSession(cfg.register.id).catch(() => null);
        if (s) saveTerminal(tenantId, { ...cfg, session: s });
        else setError(err.message);
      } else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  const parsed = parseMoneyInput(float);
  return (
    <TerminalFrame cfg={cfg}>
      <form className="setup card" onSubmit={open} aria-label={t('open.title')}>
        <h1>{t('open.title')}</h1>
        <p>
          {cfg.location.name} · <strong>{cfg.register.name}</strong>
        </p>
        <label>
          {t('open.float')}
          <input
            name="openingFloat"
            inputMode="decimal"
            ref={(el) => el?.focus()}
            value={float}
            onChange={(e) => setFloat(e.target.value)}
            onFocus={(e) => e.target.select()}
          />
        </label>
        <p className="big-amount">{parsed ? formatMoney(parsed) : '—'}</p>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="row">
          <button type="submit" className="primary big" disabled={busy}>
            {t('open.submit')}
          </button>
          <button type="button" className="link" onClick={() => saveTerminal(tenantId, null)}>
            {t('open.changeRegister')}
          </button>
        </div>
      </form>
    </TerminalFrame>
  );
}
