import { API_BASE } from './api';

/**
 * The business's event stream (server-sent events), kept open for the page's life. `types` is the
 * server's filter (`stock.changed,product.*`); `listeners` maps the concrete event names to what
 * each does. EventSource reconnects by itself after a drop and resumes from the last event id,
 * except when a reconnection fails outright (the network was down): the browser then gives up
 * for good. So a closed stream is opened again 3 s later, or as soon as the browser is back
 * online, resuming from the last event seen (`?lastEventId=`, since a new EventSource cannot set
 * the Last-Event-ID header). `onState` hears when it is connected or not.
 */
export function openEventStream(
  types: string,
  listeners: Record<string, (ev: MessageEvent<string>) => void>,
  onState?: (connected: boolean) => void,
): () => void {
  let es: EventSource | null = null;
  let lastId: string | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  const connect = () => {
    if (stopped) return;
    if (retry) clearTimeout(retry);
    retry = null;
    es?.close();
    const resume = lastId ? `&lastEventId=${encodeURIComponent(lastId)}` : '';
    const source = new EventSource(`${API_BASE}/events/stream?types=${encodeURIComponent(types)}${resume}`, {
      withCredentials: true,
    });
    es = source;
    source.onopen = () => onState?.(true);
    source.onerror = () => {
      onState?.(false);
      if (source.readyState === EventSource.CLOSED && !retry) retry = setTimeout(connect, 3000);
    };
    for (const [type, listener] of Object.entries(listeners))
      source.addEventListener(type, (ev) => {
        const m = ev as MessageEvent<string>;
        if (m.lastEventId) lastId = m.lastEventId;
        listener(m);
      });
  };
  const back = () => {
    if (es?.readyState !== EventSource.OPEN) connect();
  };
  window.addEventListener('online', back);
  connect();
  return () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    window.removeEventListener('online', back);
    es?.close();
  };
}
