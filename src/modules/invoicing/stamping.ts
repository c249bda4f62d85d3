/**
 * The PAC outbox worker. Jobs (pac_jobs) are written in the transaction that issues or
 * cancels a CFDI; this claims due jobs, calls the PAC with NO transaction open, and records
 * the outcome in a short transaction. A PAC outage leaves the invoice pending with the error
 * visible and retries with backoff, always sending the SAME sealed XML: the PAC's "already
 * stamped" answer gives back the first UUID, so a document never gets two.
 */
import { loadConfig } from '../../config.js';
import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { json } from '../../db/types.js';
import type { DB } from '../../db/schema.js';
import { systemCtx } from '../../shared/context.js';
import { recordAudit, recordEvent } from '../events/events.service.js';
import { activeCsd } from './fiscal.service.js';
import { movePendingAbonoPagos } from './invoicing.service.js';
import { FinkokPac } from './pac/finkok.js';
import { cancelStatusOf, type CancelMotivo, type PacClient, PacError } from './pac/pac.js';
import { SandboxPac } from './pac/sandbox.js';

const pacs = new WeakMap<object, PacClient>();

/** The PAC of an app: PAC=finkok (the checked FINKOK_* account) or the sandbox (default). Tests set their own. */
export function pacFor(app: FastifyInstance): PacClient {
  // Keyed by the database: the same for the root app and its encapsulated plugins.
  let pac = pacs.get(app.database);
  if (!pac) {
    const { finkok } = loadConfig();
    pac = finkok ? new FinkokPac(finkok) : new SandboxPac({ db: app.database.db, now: () => app.now() });
    pacs.set(app.database, pac);
  }
  return pac;
}

export function setPacClient(app: FastifyInstance, pac: PacClient): void {
  pacs.set(app.database, pac);
}

export interface PacDeps {
  db: Kysely<DB>;
  pac: PacClient;
  now: () => Date;
}

/** Seconds to wait after the n-th failure: 30 s doubling, at most an hour. */
export function backoffSeconds(attempts: number): number {
  return Math.min(3600, 30 * 2 ** Math.max(0, attempts - 1));
}

const LOCK_MS = 120_000;

/**
 * Run due PAC jobs (all, or those of one invoice). Returns how many were attempted.
 */
export async function runPacJobs(
  deps: PacDeps,
  filter: { invoiceId?: string; tenantId?: string; limit?: number } = {},
): Promise<number> {
  const now = deps.now();
  let q = deps.db
    .selectFrom('pac_jobs')
    .select(['tenant_id', 'id', 'invoice_id', 'kind', 'attempts'])
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]));
  if (filter.invoiceId) q = q.where('invoice_id', '=', filter.invoiceId);
  if (filter.tenantId) q = q.where('tenant_id', '=', filter.tenantId);
  const jobs = await q
    .orderBy('id')
    .limit(filter.limit ?? 20)
    .execute();
  let n = 0;
  for (const job of jobs) {
    // Claim it: another worker that read the same row loses this UPDATE.
    const claimed = await deps.db
      .updateTable('pac_jobs')
      .set({ locked_until: new Date(now.getTime() + LOCK_MS) })
      .where('tenant_id', '=', job.tenant_id)
      .where('id', '=', job.id)
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) continue;
    n++;
    try {
      if (job.kind === 'stamp') await stampOne(deps, job);
      else await cancelOne(deps, job);
    } catch (err) {
      await deferJob(deps, job, err);
    }
  }
  return n;
}

type Job = { tenant_id: string; id: string; invoice_id: string; attempts: number };

async function deferJob(deps: PacDeps, job: Job, err: unknown): Promise<void> {
  const now = deps.now();
  const e =
    err instanceof PacError
      ? { kind: err.kind, code: err.code, message: err.message }
      : { kind: 'unavailable', code: 'ERROR', message: (err as Error)?.message ?? String(err) };
  const attempts = job.attempts + 1;
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('pac_jobs')
      .set({
        attempts,
        next_attempt_at: new Date(now.getTime() + backoffSeconds(attempts) * 1000),
        locked_until: null,
        last_error: json({ ...e, at: now.toISOString() }),
        updated_at: now,
      })
      .where('tenant_id', '=', job.tenant_id)
      .where('id', '=', job.id)
      .execute();
    await trx
      .updateTable('invoices')
      .set({ pac_error: json({ ...e, attempts, at: now.toISOString() }) })
      .where('tenant_id', '=', job.tenant_id)
      .where('id', '=', job.invoice_id)
      .execute();
  });
}

async function stampOne(deps: PacDeps, job: Job): Promise<void> {
  const sealed = await deps.db
    .selectFrom('invoice_documents')
    .select('content')
    .where('tenant_id', '=', job.tenant_id)
    .where('invoice_id', '=', job.invoice_id)
    .where('kind', '=', 'sealed')
    .executeTakeFirstOrThrow();
  let result: Awaited<ReturnType<PacClient['stamp']>>;
  try {
    result = await deps.pac.stamp(sealed.content);
  } catch (err) {
    if (err instanceof PacError && err.kind === 'rejected') {
      await rejectInvoice(deps, job, err);
      return;
    }
    throw err;
  }
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    const ctx = systemCtx(trx, job.tenant_id, now);
    await trx
      .insertInto('invoice_documents')
      .values({
        tenant_id: job.tenant_id,
        invoice_id: job.invoice_id,
        kind: 'stamped',
        content: result.xml,
        created_at: now,
      })
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'invoice_id', 'kind'])
          // a literal: a prepared statement cannot match a parameter to the partial index
          .where(sql<boolean>`kind in ('sealed', 'stamped')`)
          .doNothing(),
      )
      .execute();
    await trx
      .updateTable('invoices')
      .set({ status: 'stamped', uuid: result.uuid, stamped_at: now, pac_error: null })
      .where('tenant_id', '=', job.tenant_id)
      .where('id', '=', job.invoice_id)
      .where('status', '=', 'pending')
      .execute();
    await trx
      .updateTable('pac_jobs')
      .set({
        status: 'done',
        attempts: job.attempts + 1,
        locked_until: null,
        updated_at: now,
        last_error: null,
      })
      .where('tenant_id', '=', job.tenant_id)
      .where('id', '=', job.id)
      .execute();
    const data = { uuid: result.uuid, pac: deps.pac.name, duplicate: result.duplicate };
    await recordEvent(ctx, 'invoice.stamped', { invoiceId: job.invoice_id, ...data });
    await recordAudit(ctx, {
      action: 'invoice.stamped',
      entityType: 'invoice',
      entityId: job.invoice_id,
      data,
    });
  });
}

async function rejectInvoice(deps: PacDeps, job: Job, err: PacError): Promise<void> {
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    const ctx = systemCtx(trx, job.tenant_id, now);
    const e = { kind: err.kind, code: err.code, message: err.message, at: now.toISOString() };
    await trx
      .updateTable('invoices')
      .set({ status: 'rejected', pac_error: json(e) })
      .where('tenant_id', '=', job.tenant_id)
      .where('id', '=', job.invoice_id)
      .execute();
    // The tickets may be invoiced again with corrected data.
    await trx
      .updateTable('invoice_sales')
      .set({ released_at: now })
      .where('tenant_id', '=', job.tenant_id)
      .where('invoice_id', '=', job.invoice_id)
      .where('released_at', 'is', null)
      .execute();
    await trx
      .updateTable('pac_jobs')
      .set({
        status: 'failed',
        attempts: job.attempts + 1,
        locked_until: null,
        last_error: json(e),
        updated_at: now,
      })
      .where('tenant_id', '=', job.tenant_id)
      .where('id', '=', job.id)
      .execute();
    await recordEvent(ctx, 'invoice.rejected', { invoiceId: job.invoice_id, code: err.code });
    await recordAudit(ctx, {
      action: 'invoice.rejected',
      entityType: 'invoice',
      entityId: job.invoice_id,
      data: e,
    });
  });
}

async function cancelOne(deps: PacDeps, job: Job): Promise<void> {
  const inv = await deps.db
    .selectFrom('invoices')
    .selectAll()
    .where('tenant_id', '=', job.tenant_id)
    .where('id', '=', job.invoice_id)
    .executeTakeFirstOrThrow();
  const csd = await activeCsd(systemCtx(deps.db, job.tenant_id, deps.now()));
  const profile = await deps.db
    .selectFrom('fiscal_profiles')
    .select('rfc')
    .where('tenant_id', '=', job.tenant_id)
    .executeTakeFirstOrThrow();
  const res = await deps.pac.cancel({
    uuid: inv.uuid!,
    rfcEmisor: profile.rfc,
    rfcReceptor: inv.receptor_rfc,
    total: inv.total,
    motivo: inv.cancel_motivo as CancelMotivo,
    folioSustitucion: inv.cancel_replacement_uuid ?? undefined,
    cerPem: csd.certificate.toString(),
    keyPem: csd.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  });
  await recordCancelOutcome(deps, job, res.status, res.acuse);
}

async function recordCancelOutcome(
  deps: PacDeps,
  job: Pick<Job, 'tenant_id' | 'invoice_id'> & { id?: string; attempts?: number },
  status: 'cancelled' | 'in_process' | 'rejected',
  acuse: string | null,
): Promise<void> {
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    const ctx = systemCtx(trx, job.tenant_id, now);
    if (acuse) {
      await trx
        .insertInto('invoice_documents')
        .values({
          tenant_id: job.tenant_id,
          invoice_id: job.invoice_id,
          kind: 'cancel_acuse',
          content: acuse,
          created_at: now,
        })
        .execute();
    }
    await trx
      .updateTable('invoices')
      .set({ cancel_status: status, pac_error: null })
      .where('tenant_id', '=', job.tenant_id)
      .where('id', '=', job.invoice_id)
      .execute();
    if (status === 'cancelled') {
      await movePendingAbonoPagos(ctx, job.invoice_id);
      await trx
        .updateTable('invoice_sales')
        .set({ released_at: now })
        .where('tenant_id', '=', job.tenant_id)
        .where('invoice_id', '=', job.invoice_id)
        .where('released_at', 'is', null)
        .execute();
    }
    if (job.id) {
      await trx
        .updateTable('pac_jobs')
        .set({
          status: 'done',
          attempts: (job.attempts ?? 0) + 1,
          locked_until: null,
          updated_at: now,
          last_error: null,
        })
        .where('tenant_id', '=', job.tenant_id)
        .where('id', '=', job.id)
        .execute();
    }
    const action =
      status === 'cancelled'
        ? 'invoice.cancelled'
        : status === 'in_process'
          ? 'invoice.cancellation_in_process'
          : 'invoice.cancellation_rejected';
    await recordEvent(ctx, action, { invoiceId: job.invoice_id });
    await recordAudit(ctx, { action, entityType: 'invoice', entityId: job.invoice_id, data: { status } });
  });
}

/**
 * Ask SAT (through the PAC) how cancellations in process ended: the receiver accepted
 * (cancelled) or refused (rejected). Returns how many changed.
 */
export async function refreshCancellations(
  deps: PacDeps,
  filter: { tenantId?: string; invoiceId?: string } = {},
): Promise<number> {
  let q = deps.db
    .selectFrom('invoices as i')
    .innerJoin('fiscal_profiles as f', 'f.tenant_id', 'i.tenant_id')
    .select(['i.tenant_id', 'i.id', 'i.uuid', 'i.receptor_rfc', 'i.total', 'f.rfc'])
    .where('i.cancel_status', '=', 'in_process');
  if (filter.tenantId) q = q.where('i.tenant_id', '=', filter.tenantId);
  if (filter.invoiceId) q = q.where('i.id', '=', filter.invoiceId);
  let changed = 0;
  for (const r of await q.execute()) {
    const s = await deps.pac.status({
      uuid: r.uuid!,
      rfcEmisor: r.rfc,
      rfcReceptor: r.receptor_rfc,
      total: r.total,
    });
    const status = cancelStatusOf(s);
    if (status && status !== 'in_process') {
      await recordCancelOutcome(deps, { tenant_id: r.tenant_id, invoice_id: r.id }, status, null);
      changed++;
    }
  }
  return changed;
}

/**
 * The background loop (every 5 s): due PAC jobs, then cancellations in process. For
 * src/workers: `const pac = startPacWorker(app); stops.push(() => pac.stop())`.
 */
export function startPacWorker(app: FastifyInstance, ms = 5000): { stop(): Promise<void> } {
  let stopped = false;
  let running: Promise<void> | null = null;
  const deps = (): PacDeps => ({ db: app.database.db, pac: pacFor(app), now: () => app.now() });
  const tick = () => {
    if (stopped || running) return;
    running = (async () => {
      try {
        await runPacJobs(deps());
        await refreshCancellations(deps());
      } catch (err) {
        app.log.error({ err }, 'PAC worker failed');
      }
    })().finally(() => {
      running = null;
    });
  };
  const timer = setInterval(tick, ms);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
