import { type QueryKey, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { openEventStream } from '../../lib/event-stream';

/** An event's own data (`data.data` of the stream's message); empty when it cannot be read. */
function payloadOf(ev: Event): Record<string, unknown> {
  try {
    const body = JSON.parse((ev as MessageEvent<string>).data) as { data?: Record<string, unknown> };
    return body.data ?? {};
  } catch {
    return {};
  }
}

/**
 * Reads again what a page shows when the server says it changed: `refresh` maps event types
 * (`sale.completed`, …) to the queries they make stale, or to a function of the event's data
 * that says which. Events come from the business's event
 * stream (SSE, kept open across network cuts: lib/event-stream.ts); a burst of them (a busy counter) asks again
 * at most once every `everyMs` per query.
 */
export function useLiveRefresh(
  refresh: Record<string, QueryKey[] | ((data: Record<string, unknown>) => QueryKey[])>,
  everyMs = 2000,
): void {
  const qc = useQueryClient();
  const latest = useRef(refresh);
  latest.current = refresh;
  const types = Object.keys(refresh).sort().join(',');
  useEffect(() => {
    if (!types || typeof EventSource === 'undefined') return;
    const due = new Map<string, QueryKey>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    const flush = () => {
      timer = undefined;
      last = Date.now();
      for (const key of due.values()) void qc.invalidateQueries({ queryKey: key });
      due.clear();
    };
    const on = (ev: Event) => {
      const keys = latest.current[ev.type] ?? [];
      for (const key of typeof keys === 'function' ? keys(payloadOf(ev)) : keys)
        due.set(JSON.stringify(key), key);
      if (timer === undefined) timer = setTimeout(flush, Math.max(0, last + everyMs - Date.now()));
    };
    const close = openEventStream(types, Object.fromEntries(types.split(',').map((type) => [type, on])));
    return () => {
      clearTimeout(timer);
      close();
    };
  }, [qc, types, everyMs]);
}
