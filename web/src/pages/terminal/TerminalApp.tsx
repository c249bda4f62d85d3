import { useEffect, useState } from 'react';
import { useAuth } from '../../app/auth';
import { setBusinessTimeZone } from '../../lib/format';
import { useStore } from '../../lib/store';
import { refreshCatalog } from '../../offline/catalog';
import { startConnectivityWatch } from '../../offline/connectivity';
import { liveState, startLiveStream } from '../../offline/live';
import { keepSalesOf, refreshRecentSales } from '../../offline/sales';
import { startOutboxWorker } from '../../offline/outbox';
import { useOfflineSessionSync } from './offline-session';
import { OpenSessionScreen } from './OpenSessionScreen';
import { RegisterPicker } from './RegisterPicker';
import { SellScreen } from './SellScreen';
import { loadTerminal, terminalStore } from './terminal-state';

/**
 * The cashier's terminal: pick the register once, open the cash session with the float, then
 * sell. Background work runs while it is open: the sales queue, the live stock stream and the
 * browser copy of the catalog.
 */
export function TerminalApp() {
  const { user } = useAuth();
  const tenantId = user!.tenantId;
  const [ready, setReady] = useState(false);
  const cfg = useStore(terminalStore);

  useEffect(() => {
    terminalStore.set(loadTerminal(tenantId));
    setReady(true);
    const stops = [startConnectivityWatch(), startOutboxWorker(tenantId), startLiveStream(tenantId)];
    return () => {
      for (const s of stops) s();
    };
  }, [tenantId]);

  const locationId = cfg?.location.id;
  useEffect(() => {
    if (!locationId) return;
    keepSalesOf(locationId);
    const refresh = (streamLive = false) =>
      refreshCatalog(tenantId, locationId).then((ok) =>
        ok ? refreshRecentSales(tenantId, locationId, { streamLive }) : false,
      );
    void refresh().catch((e) => console.warn(e));
    // every 10 minutes the catalog; the day's sales only if the live stream is not keeping them
    const timer = setInterval(() => void refresh(liveState.get().connected).catch(() => {}), 10 * 60_000);
    // back from a cut: what changed meanwhile (the live stream also resumes where it stopped)
    const back = () => void refresh().catch(() => {});
    window.addEventListener('online', back);
    return () => {
      clearInterval(timer);
      window.removeEventListener('online', back);
    };
  }, [tenantId, locationId]);

  useEffect(() => setBusinessTimeZone(cfg?.business?.timezone), [cfg?.business?.timezone]);
  useOfflineSessionSync(tenantId, cfg);

  if (!ready) return null;
  if (!cfg) return <RegisterPicker tenantId={tenantId} />;
  if (cfg.session?.status !== 'open' || !cfg.session)
    return <OpenSessionScreen tenantId={tenantId} cfg={cfg} />;
  return <SellScreen tenantId={tenantId} cfg={cfg} session={cfg.session} />;
}
