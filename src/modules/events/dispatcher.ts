import { sql } from 'kysely';
import type { Database } from '../../db/database.js';
import type { Executor } from '../../shared/context.js';
import { advanceCursor, type EventCursor, gapIds, newCursor } from './cursor.js';
import { EVENTS_CHANNEL } from './events.service.js';

/** One outbox row as subscribers see it. */
export interface OutboxEvent {
  id: number;
  tenantId: string;
  type: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

export type EventHandler = (event: OutboxEvent) => void | Promise<void>;

export interface DispatcherOptions {
  database: Database;
  /** Wall clock for gap bookkeeping (epoch ms); tests drive it. */
  now?: () => number;
  onError?: (err: unknown) => void;
  /** Fallback polling when a NOTIFY is lost (a reconnect, another process's PGlite). */
  pollMs?: number;
  /** How long a skipped id is waited for before it counts as rolled back. */
  gapWaitMs?: number;
  /** Start after this id instead of the newest event at boot. */
  fromId?: number;
  batchSize?: number;
}

export interface Dispatcher {
  /** Calls `handler` for every new event of `type`, of a prefix (`stock.*`) or of all (`*`). */
  subscribe(pattern: string, handler: EventHandler): () => void;
  subscribe(handler: EventHandler): () => void;
  /** Reads new events now; resolves when they were handed to subscribers. */
  poll(): Promise<void>;
  /** The highest event id read. */
  lastId(): number;
  subscriberCount(): number;
  stop(): Promise<void>;
}

interface EventRow {
  tenant_id: string;
  id: number | string;
  type: string;
  payload: Record<string, unknown> | string;
  created_at: Date | string;
}

/** True when `type` matches one of `patterns` (`sale.completed`, `stock.*`, `*`). */
export function matchesType(patterns: readonly string[], type: string): boolean {
  for (const p of patterns) {
    if (p === '*' || p === type) return true;
    if (p.endsWith('.*') && type.startsWith(p.slice(0, -1))) return true;
  }
  return false;
}

export function toOutboxEvent(r: EventRow): OutboxEvent {
  return {
    id: Number(r.id),
    tenantId: r.tenant_id,
    type: r.type,
    payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
    createdAt: r.created_at instanceof Date ? r.created_at : new Date(r.created_at),
  };
}

/**
 * Events after the cursor plus the ids it still waits for, in id order: two index reads joined
 * rather than one `id > $1 or id = any($2)`, which the planner may answer by walking the id index
 * from the oldest event and filtering. Each read must stay an index lookup: a read planned as a
 * scan of the outbox costs more as the table grows (see migration 021, where the unique index on
 * id fixed the gap read's estimate).
 */
export async function readAfter(db: Executor, cursor: EventCursor, limit: number): Promise<OutboxEvent[]> {
  const gaps = gapIds(cursor);
  const after = sql`select tenant_id, id, type, payload, created_at from events
    where id > ${cursor.high} order by id limit ${limit}`;
  const r = gaps.length
    ? await sql<EventRow>`
        select * from ((${after}) union all
          (select tenant_id, id, type, payload, created_at from events
            where id = any(${`{${gaps.join(',')}}`}::bigint[]))) e
        order by id limit ${limit}`.execute(db)
    : await sql<EventRow>`${after}`.execute(db);
  return r.rows.map(toOutboxEvent);
}

export async function maxEventId(db: Executor): Promise<number> {
  const r = await sql<{ max: number | string | null }>`select max(id) as max from events`.execute(db);
  return Number(r.rows[0]?.max ?? 0);
}

/**
 * Starts this process's event dispatcher: LISTEN on `mostrador_events` plus polling, reading
 * the outbox by id and handing each event once to in-process subscribers. Every app process
 * runs one, so on PostgreSQL every process sees every event.
 */
export async function startDispatcher(options: DispatcherOptions): Promise<Dispatcher> {
  const { database } = options;
  const now = options.now ?? Date.now;
  const onError = options.onError ?? ((err: unknown) => console.error('event dispatcher:', err));
  const pollMs = options.pollMs ?? 500;
  const gapWaitMs = options.gapWaitMs ?? 10_000;
  const batchSize = options.batchSize ?? 500;
  const cursor = newCursor(options.fromId ?? (await maxEventId(database.db)));
  const handlers = new Set<{ pattern: string; handler: EventHandler }>();
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | undefined;

  const deliver = (event: OutboxEvent) => {
    for (const h of handlers) {
      if (!matchesType([h.pattern], event.type)) continue;
      try {
        const r = h.handler(event);
        if (r && typeof r.then === 'function') r.then(undefined, onError);
      } catch (err) {
        onError(err);
      }
    }
  };

  const readOnce = async (): Promise<boolean> => {
    const events = await readAfter(database.db, cursor, batchSize);
    const fresh = new Set(
      advanceCursor(
        cursor,
        events.map((e) => e.id),
        now(),
        gapWaitMs,
      ),
    );
    for (const e of events) if (fresh.has(e.id)) deliver(e);
    return events.length >= batchSize;
  };

  const poll = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          if (await readOnce()) again = true;
        } catch (err) {
          if (!stopped) onError(err);
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
    return running;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      void poll().finally(schedule);
    }, pollMs);
    timer.unref();
  };

  // PGlite is one session: LISTEN must not run inside a request's open transaction (a rollback
  // would undo it), so it waits for the connection like any query.
  const listen = () => database.listen(EVENTS_CHANNEL, () => void poll());
  const unlisten =
    database.kind === 'pglite' ? await database.db.connection().execute(() => listen()) : await listen();
  schedule();

  function subscribe(a: string | EventHandler, b?: EventHandler): () => void {
    const entry = typeof a === 'string' ? { pattern: a, handler: b! } : { pattern: '*', handler: a };
    handlers.add(entry);
    return () => {
      handlers.delete(entry);
    };
  }

  return {
    subscribe,
    poll,
    lastId: () => cursor.high,
    subscriberCount: () => handlers.size,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      await running;
      const stopListening = async () => {
        await unlisten().catch(() => {});
      };
      if (database.kind === 'pglite') await database.db.connection().execute(stopListening);
      else await stopListening();
      handlers.clear();
    },
  };
}

const shared = new WeakMap<Database, Promise<Dispatcher>>();

/**
 * The one dispatcher of this process for `database`, started on first use (the SSE route and
 * the workers share it). Stopping it forgets it, so the next call starts a new one.
 */
export function sharedDispatcher(database: Database, options: Omit<DispatcherOptions, 'database'> = {}) {
  let d = shared.get(database);
  if (!d) {
    d = startDispatcher({ ...options, database }).then((dispatcher) => {
      const stop = dispatcher.stop;
      dispatcher.stop = async () => {
        if (shared.get(database) === d) shared.delete(database);
        await stop();
      };
      return dispatcher;
    });
    d.catch(() => shared.delete(database));
    shared.set(database, d);
  }
  return d;
}

/** The shared dispatcher of `database` if one was started (never starts one). */
export function currentSharedDispatcher(database: Database): Promise<Dispatcher> | undefined {
  return shared.get(database);
}

/** Stops the shared dispatcher of `database` if one runs. */
export async function stopSharedDispatcher(database: Database): Promise<void> {
  const d = shared.get(database);
  if (!d) return;
  shared.delete(database);
  await (await d.catch(() => null))?.stop();
}
