import { type FormEvent, useEffect, useState } from 'react';
import { useAuth } from '../../app/auth';
import { ApiError, NetworkError, post } from '../../lib/api';
import type { CashSession } from '../../lib/endpoints';
import { formatMoney, parseMoneyInput } from '../../lib/format';
import { useT } from '../../lib/i18n';
import { useStore } from '../../lib/store';
import { connectivity, isOnline, markServerReachable } from '../../offline/connectivity';
import { adoptSession, openingBody, openSessionOffline } from './offline-session';
import { TerminalFrame } from './TerminalFrame';
import { fetchOpenSession } from './setup';
import { saveTerminal, type TerminalConfig } from './terminal-state';

/**
 * Opening the drawer: the cashier counts the float and the session starts. Without the server
 * it starts all the same: the opening is queued under the terminal's id and sent before the
 * sales made in it.
 */
export function OpenSessionScreen({ tenantId, cfg }: { tenantId: string; cfg: TerminalConfig }) {
  const t = useT();
  const { user } = useAuth();
  const online = isOnline(useStore(connectivity));
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
    const body = openingBody(cfg, amount);
    const offline = () =>
      openSessionOffline(
        tenantId,
        cfg,
        body,
        user?.id ?? null,
        t('open.queuedDescription', { float: formatMoney(amount) }),
      );
    try {
      if (!online) {
        await offline();
        return;
      }
      const session = await post<CashSession>('/cash-sessions', body, { timeoutMs: 8000 });
      markServerReachable(true);
      await adoptSession(tenantId, cfg, session);
    } catch (err) {
      if (err instanceof NetworkError) {
        // No answer: the opening waits in the queue under the same id (the server takes it once).
        markServerReachable(false);
        await offline();
      } else if (err instanceof ApiError && err.code === 'CASH_SESSION_ALREADY_OPEN') {
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
        {!online && (
          <p className="info" role="status" data-testid="open-offline">
            {t('open.offlineHelp')}
          </p>
        )}
        {cfg.openingRefused && (
          <p className="error" role="alert" data-testid="opening-refused">
            {t('open.refused', { message: cfg.openingRefused.message })}
          </p>
        )}
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
