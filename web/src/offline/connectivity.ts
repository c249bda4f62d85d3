import { NetworkError } from '../lib/api';
import { createStore } from '../lib/store';

export interface Connectivity {
  /** The browser says it has a network. */
  browserOnline: boolean;
  /** The last call to our server got no answer. */
  serverUnreachable: boolean;
}

export const connectivity = createStore<Connectivity>({
  browserOnline: typeof navigator === 'undefined' ? true : navigator.onLine,
  serverUnreachable: false,
});

export function isOnline(c: Connectivity = connectivity.get()): boolean {
  return c.browserOnline && !c.serverUnreachable;
}

export function markServerReachable(ok: boolean): void {
  const c = connectivity.get();
  if (c.serverUnreachable === !ok) return;
  connectivity.set({ ...c, serverUnreachable: !ok });
}

/**
 * Runs a copy from the server (catalog, recent sales): true once done, false when the server did
 * not answer (the terminal then shows itself offline); any other error is thrown.
 */
export async function readFromServer(read: () => Promise<void>): Promise<boolean> {
  try {
    await read();
    markServerReachable(true);
    return true;
  } catch (err) {
    if (err instanceof NetworkError) {
      markServerReachable(false);
      return false;
    }
    throw err;
  }
}

let probe: ReturnType<typeof setInterval> | null = null;

/** Probes /health while the server is unreachable; the first answer flips the terminal back online. */
export function startConnectivityWatch(): () => void {
  const update = () => connectivity.set({ ...connectivity.get(), browserOnline: navigator.onLine });
  window.addEventListener('online', update);
  window.addEventListener('offline', update);
  probe = setInterval(async () => {
    const c = connectivity.get();
    if (!c.serverUnreachable || !navigator.onLine) return;
    try {
      const r = await fetch('/health', { cache: 'no-store' });
      if (r.ok) markServerReachable(true);
    } catch {
      // still down
    }
  }, 3000);
  return () => {
    window.removeEventListener('online', update);
    window.removeEventListener('offline', update);
    if (probe) clearInterval(probe);
  };
}
