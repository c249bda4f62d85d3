import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { isManager, useAuth } from '../../app/auth';
import { LanguageSwitch } from '../../app/LanguageSwitch';
import { formatMoney, formatTime } from '../../lib/format';
import { useT } from '../../lib/i18n';
import { useLiveQuery, useStore } from '../../lib/store';
import { connectivity, isOnline } from '../../offline/connectivity';
import { dbFor, kindOf, type QueuedSale } from '../../offline/db';
import { liveState } from '../../offline/live';
import { syncState } from '../../offline/outbox';
import type { TerminalConfig } from './terminal-state';

/**
 * Counts of the queue, live from the browser database: sales (pending, conflict, rejected),
 * everything waiting (`pendingAll`: also a session opening, cash in/out and abonos) and the cash
 * in/out, abonos, cortes and returns the server refused (`refusedMovements`).
 */
export function useQueueCounts(tenantId: string) {
  return useLiveQuery(
    async () => {
      const db = dbFor(tenantId);
      const isSale = (r: QueuedSale) => kindOf(r) === 'sale';
      const [pending, pendingAll, conflict, rejected, refusedMovements] = await Promise.all([
        db.outbox.where('status').equals('pending').filter(isSale).count(),
        db.outbox.where('status').equals('pending').count(),
        db.outbox.where('status').equals('conflict').filter(isSale).count(),
        db.outbox.where('status').equals('rejected').filter(isSale).count(),
        db.outbox
          .where('status')
          .equals('rejected')
          .filter((r) => ['cash_movement', 'account_payment', 'cash_close', 'return'].includes(kindOf(r)))
          .count(),
      ]);
      return { pending, pendingAll, conflict, rejected, refusedMovements };
    },
    [tenantId],
    { pending: 0, pendingAll: 0, conflict: 0, rejected: 0, refusedMovements: 0 },
  );
}

/** The terminal's frame: who, where, the session, and whether the server is reachable. */
export function TerminalFrame({
  cfg,
  children,
  onShowConflicts,
}: {
  cfg?: TerminalConfig;
  children: ReactNode;
  onShowConflicts?: () => void;
}) {
  const t = useT();
  const { user, logout } = useAuth();
  const conn = useStore(connectivity);
  const live = useStore(liveState);
  const sync = useStore(syncState);
  const online = isOnline(conn);
  const counts = useQueueCounts(user!.tenantId);
  const problems = counts.conflict + counts.rejected;
  return (
    <div className="terminal">
      <header className="t-header">
        <div className="brand-row">
          <img src="/icon.svg" alt="" width={26} height={26} />
          <strong>Mostrador</strong>
        </div>
        {cfg && (
          <div className="t-where">
            <span>{cfg.location.name}</span>
            <span className="sep">·</span>
            <strong>{cfg.register.name}</strong>
            {cfg.session?.status === 'open' && (
              <span className="t-session" data-testid="session-info">
                {t('frame.sessionOpen', {
                  time: formatTime(cfg.session.openedAt),
                  float: formatMoney(cfg.session.openingFloat),
                })}
                {cfg.session.pendingSync && (
                  <>
                    {' · '}
                    <strong className="badge warn" data-testid="session-offline">
                      {t('frame.sessionOffline')}
                    </strong>
                  </>
                )}
              </span>
            )}
          </div>
        )}
        <div className="t-status">
          <span className={`badge ${online ? 'ok' : 'bad'}`} data-testid="connection">
            {online ? t('frame.online') : t('frame.offline')}
          </span>
          {online && (
            <span className={`badge ${live.connected ? 'ok' : 'warn'}`} title={t('frame.liveHelp')}>
              {live.connected ? t('frame.live') : t('frame.liveOff')}
            </span>
          )}
          <Link to="/cuenta" className="muted" title={t('frame.account')}>
            {user?.name}
          </Link>
          {isManager(user) && <Link to="/admin">{t('frame.backOffice')}</Link>}
          <LanguageSwitch />
          <button type="button" className="link" onClick={() => void logout()}>
            {t('common.logout')}
          </button>
        </div>
      </header>
      {cfg?.merged && (
        <div className="banner conflict" role="alert" data-testid="merged-banner">
          {t('frame.mergedBanner', {
            time: cfg.session ? formatTime(cfg.session.openedAt) : '',
            float: formatMoney(cfg.merged.openingFloat),
          })}
        </div>
      )}
      {(!online || counts.pending > 0) && (
        <div className={`banner ${online ? 'info' : 'offline'}`} role="status" data-testid="offline-banner">
          {!online
            ? t('frame.offlineBanner', { n: counts.pending })
            : sync.running
              ? t('frame.sending', { n: counts.pending })
              : t('frame.pendingBanner', { n: counts.pending })}
          {counts.pendingAll > counts.pending &&
            ` ${t('frame.otherPending', { n: counts.pendingAll - counts.pending })}`}
        </div>
      )}
      {(problems > 0 || counts.refusedMovements > 0) && (
        <div className="banner conflict" role="alert" data-testid="conflict-banner">
          {problems > 0 && t('frame.conflictBanner', { n: problems })}
          {counts.refusedMovements > 0 && ` ${t('frame.movementsRefused', { n: counts.refusedMovements })}`}{' '}
          {onShowConflicts && (
            <button type="button" className="link" onClick={onShowConflicts}>
              {t('frame.seeConflicts')}
            </button>
          )}
        </div>
      )}
      <div className="t-body">{children}</div>
    </div>
  );
}
