import { useCallback, useRef } from 'react';
import { getLocale } from './i18n';

/** The server answered with `{ error: { code, message, details } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** Field messages from a VALIDATION_FAILED answer, keyed by the body path (`payments.0.amount`). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    const issues = this.details.issues;
    if (Array.isArray(issues)) {
      for (const i of issues as { path?: string; message?: string }[]) {
        if (i.path) out[i.path.replace(/^body\./, '')] = i.message ?? '';
      }
    }
    return out;
  }
}

/** The request never got an answer: no network, server down, or the browser is offline. */
export class NetworkError extends Error {}

export const API_BASE = '/api/v1';

export interface RequestOptions {
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** Milliseconds before giving up and treating the server as unreachable. */
  timeoutMs?: number;
}

const unauthenticatedListeners = new Set<() => void>();
export function onUnauthenticated(fn: () => void): () => void {
  unauthenticatedListeners.add(fn);
  return () => unauthenticatedListeners.delete(fn);
}

const CLOCK_KEY = 'mostrador.clockOffsetMs';
/** How far the server's clock runs ahead of this browser's, learned from each answer's Date header. */
let clockOffsetMs = (() => {
  try {
    return Number(localStorage.getItem(CLOCK_KEY)) || 0;
  } catch {
    return 0;
  }
})();

/**
 * Now by the server's clock: what a till writes on what it queues (a sale's time, an offline
 * opening or corte), so a PC whose clock is off does not date them wrong.
 */
export function serverNow(): Date {
  return new Date(Date.now() + clockOffsetMs);
}

function learnClock(res: Response, sentAt: number): void {
  const server = Date.parse(res.headers.get('date') ?? '');
  const receivedAt = Date.now();
  // A slow answer says little about the clock.
  if (Number.isNaN(server) || receivedAt - sentAt > 2000) return;
  // The header has whole seconds: the server's clock read somewhere in [server, server + 1 s).
  const offset = server + 500 - (sentAt + receivedAt) / 2;
  // Within two seconds is the header's own precision: the browser's clock is kept.
  const next = Math.abs(offset) < 2000 ? 0 : Math.round(offset);
  if (next === clockOffsetMs) return;
  clockOffsetMs = next;
  try {
    localStorage.setItem(CLOCK_KEY, String(next));
  } catch {
    // private mode: learned again after a reload
  }
}

/** One JSON call to the API; throws ApiError for an error answer and NetworkError for no answer. */
export async function api<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  opts: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'accept-language': getLocale() === 'en' ? 'en' : 'es-MX',
  };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs ?? 15_000);
  opts.signal?.addEventListener('abort', () => controller.abort());
  let res: Response;
  const sentAt = Date.now();
  try {
    res = await fetch(API_BASE + path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
    });
  } catch (err) {
    throw new NetworkError(err instanceof Error ? err.message : String(err));
  } finally {
    clearTimeout(timer);
  }
  learnClock(res, sentAt);
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      // A proxy or the service worker answered with something that is not ours.
      if (res.status >= 500 || res.status === 0) throw new NetworkError(`HTTP ${res.status}`);
    }
  }
  if (!res.ok) {
    const e = (
      data as { error?: { code: string; message: string; details?: Record<string, unknown> } } | null
    )?.error;
    if (res.status === 401) for (const l of unauthenticatedListeners) l();
    if (!e) {
      if (res.status >= 500 || res.status === 503) throw new NetworkError(`HTTP ${res.status}`);
      throw new ApiError(res.status, 'HTTP_ERROR', `HTTP ${res.status}`);
    }
    throw new ApiError(res.status, e.code, e.message, e.details ?? {});
  }
  return data as T;
}

export const get = <T>(path: string, opts?: RequestOptions) => api<T>('GET', path, undefined, opts);
export const post = <T>(path: string, body?: unknown, opts?: RequestOptions) =>
  api<T>('POST', path, body ?? {}, opts);

/** A query string from defined values. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/**
 * `post` for one form, with an Idempotency-Key per path and body: the same request sent again (a
 * retry after an answer that never arrived) carries the same key, so the server answers what it
 * did the first time instead of doing it twice; a changed body gets a key of its own (the server
 * refuses a key reused for another body). `crypto.getRandomValues` works on a shop's plain-http
 * local network, where `crypto.randomUUID` does not.
 */
export function usePostOnce(): <T>(path: string, body: unknown, opts?: RequestOptions) => Promise<T> {
  const keys = useRef(new Map<string, string>());
  return useCallback(<T>(path: string, body: unknown, opts: RequestOptions = {}) => {
    const request = `${path}\n${JSON.stringify(body)}`;
    let key = keys.current.get(request);
    if (!key) {
      const bytes = crypto.getRandomValues(new Uint8Array(16));
      key = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
      keys.current.set(request, key);
    }
    return post<T>(path, body, { ...opts, idempotencyKey: key });
  }, []);
}
