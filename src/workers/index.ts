import type { FastifyInstance } from 'fastify';
import { pruneIdempotencyKeys } from '../http/idempotency.js';
import { businessesWithCustomerRetention } from '../modules/identity/identity.service.js';
import { applyCustomerRetention } from '../modules/privacy/privacy.service.js';
import { retryPendingAbonoPagos } from '../modules/invoicing/invoicing.service.js';
import { startPacWorker } from '../modules/invoicing/stamping.js';
import { sharedDispatcher } from '../modules/events/dispatcher.js';
import {
  deliverDueWebhooks,
  queueWebhookDeliveries,
  sealPlainWebhookSecrets,
} from '../modules/events/webhooks.service.js';
import { releaseExpiredReservations } from '../modules/inventory/inventory.service.js';

export interface Loop {
  /** Runs the step now (or right after the running one). */
  kick(): void;
  stop(): Promise<void>;
}

/**
 * Runs `step` every `ms`, never two at once; a step returning true ("more to do") runs again
 * at once. Errors are reported and the loop goes on.
 */
export function every(ms: number, step: () => Promise<boolean>, onError: (err: unknown) => void): Loop {
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  const run = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    clearTimeout(timer);
    running = (async () => {
      do {
        again = false;
        try {
          if (await step()) again = true;
        } catch (err) {
          if (!stopped) onError(err);
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
      if (!stopped) {
        timer = setTimeout(() => void run(), ms);
        timer.unref();
      }
    });
    return running;
  };
  timer = setTimeout(() => void run(), ms);
  timer.unref();
  return {
    kick: () => void run(),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

export interface Workers {
  stop(): Promise<void>;
}

export interface WorkerOptions {
  webhookPollMs?: number;
  sweepMs?: number;
}

/**
 * Starts this process's background work: the event dispatcher (SSE and in-process
 * subscribers), the webhook queue and delivery loop, the reservation sweeper, the pruning of
 * stored Idempotency-Key answers older than a week and the customer retention policy. Every app
 * process may run them; the database keeps them from doing the same work twice.
 */
export async function startWorkers(app: FastifyInstance, options: WorkerOptions = {}): Promise<Workers> {
  const db = app.database.db;
  const log = (what: string) => (err: unknown) => app.log.error({ err }, `${what} failed`);
  const dispatcher = await sharedDispatcher(app.database, { onError: log('event dispatcher') });
  const webhookMs = options.webhookPollMs ?? 1000;
  // Secrets from before they were kept encrypted (migration 029) are sealed before any delivery.
  const sealed = await sealPlainWebhookSecrets(db).catch((err) => {
    log('sealing webhook secrets')(err);
    return 0;
  });
  if (sealed > 0) app.log.info({ sealed }, 'webhook signing secrets encrypted at rest');

  const deliver = every(
    webhookMs,
    async () => (await deliverDueWebhooks(db, app.now())).length > 0,
    log('webhook delivery'),
  );
  const queue = every(
    webhookMs,
    async () => {
      const r = await queueWebhookDeliveries(db, app.now());
      if (r.queued > 0) deliver.kick();
      return r.more;
    },
    log('webhook queue'),
  );
  // Webhook queueing costs a transaction per run: run it on new events only while some
  // business has an active webhook (checked every 2 s), and at most every 200 ms; otherwise
  // the 1 s loop above still moves the cursor along.
  let hasWebhooks = false;
  let checkedAt = 0;
  let lastKick = 0;
  const refreshHasWebhooks = async () => {
    checkedAt = Date.now();
    const row = await db
      .selectFrom('webhook_subscriptions')
      .select('id')
      .where('active', '=', true)
      .limit(1)
      .executeTakeFirst()
      .catch(() => undefined);
    hasWebhooks = !!row;
  };
  const unsubscribe = dispatcher.subscribe('*', () => {
    const t = Date.now();
    if (t - checkedAt > 2000) void refreshHasWebhooks();
    if (!hasWebhooks || t - lastKick < 200) return;
    lastKick = t;
    queue.kick();
  });
  const sweeper = every(
    options.sweepMs ?? 15_000,
    async () => {
      // A full batch means more may have expired meanwhile.
      return (await releaseExpiredReservations(db, app.now())) >= 500;
    },
    log('reservation sweeper'),
  );

  // CFDI stamping/cancellation outbox: retries pending documents with backoff.
  const pac = startPacWorker(app);
  // CFDI de pago of abonos that could not be issued when taken (no CSD in force, …).
  const abonoPagos = every(
    30_000,
    async () => {
      const issued = await retryPendingAbonoPagos(db, app.now());
      if (issued.length > 0) app.log.info({ issued }, 'abono payment complements issued');
      return issued.length >= 20;
    },
    log('abono payment complements'),
  );

  // Stored Idempotency-Key answers older than a week go (they may hold personal data).
  const prune = every(
    3600_000,
    async () => {
      await pruneIdempotencyKeys(db, app.now());
      return false;
    },
    log('idempotency pruning'),
  );

  // Retention policy (businesses that set customerRetentionYears): once a day, customers
  // inactive that long have their personal data erased.
  const retention = every(
    24 * 3600_000,
    async () => {
      for (const b of await businessesWithCustomerRetention(db)) {
        const r = await applyCustomerRetention(db, { ...b, now: app.now() });
        if (r.erased > 0 || r.waiting > 0) app.log.info({ tenantId: b.tenantId, ...r }, 'customer retention');
      }
      return false;
    },
    log('customer retention'),
  );
  // Housekeeping first runs a minute after start, away from the first requests (a process
  // restarted more often than hourly still gets it).
  const housekeepingStart = setTimeout(() => {
    prune.kick();
    retention.kick();
  }, 60_000);
  housekeepingStart.unref();

  return {
    async stop() {
      unsubscribe();
      clearTimeout(housekeepingStart);
      await Promise.all([
        queue.stop(),
        deliver.stop(),
        sweeper.stop(),
        pac.stop(),
        abonoPagos.stop(),
        prune.stop(),
        retention.stop(),
      ]);
      await dispatcher.stop();
    },
  };
}
