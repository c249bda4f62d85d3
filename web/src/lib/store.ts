import { liveQuery } from 'dexie';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';

/** A tiny observable value for app-wide state (connectivity, the current terminal). */
export function createStore<T>(initial: T) {
  let value = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => value,
    set(next: T) {
      value = next;
      for (const l of listeners) l();
    },
    subscribe(l: () => void) {
      listeners.add(l);
      return () => {
        listeners.delete(l);
      };
    },
  };
}

export type Store<T> = ReturnType<typeof createStore<T>>;

export function useStore<T>(store: Store<T>): T {
  return useSyncExternalStore(store.subscribe, store.get);
}

/** Re-runs a Dexie query whenever the tables it read change (in this tab or another). */
export function useLiveQuery<T>(query: () => Promise<T>, deps: unknown[], initial: T): T {
  const [value, setValue] = useState<T>(initial);
  const key = JSON.stringify(deps);
  const queryRef = useRef(query);
  queryRef.current = query;
  useEffect(() => {
    void key;
    const sub = liveQuery(() => queryRef.current()).subscribe({
      next: setValue,
      error: (e) => console.error(e),
    });
    return () => sub.unsubscribe();
  }, [key]);
  return value;
}
