import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { scheduleBackups } from './backup/schedule.js';
import type { Config } from './config.js';
import { MAINTENANCE_EVERY_MS, maintainTables } from './db/maintenance.js';
import { DEMO_BUSINESS, seedDemo } from './seed/demo.js';
import { seedDemoFiscal } from './seed/demo-fiscal.js';
import { every, startWorkers } from './workers/index.js';

export interface Background {
  /** Lines for the start banner (demo credentials, backups). */
  banner: string[];
  /** No business yet (the demo was not loaded): the banner shows where to create the first one. */
  setupNeeded: boolean;
  /** Starts what the first request does not need; call once the server listens. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Everything that runs beside the HTTP server: demo data on first start, event dispatcher,
 * webhook deliveries, reservation sweeper, and for the embedded database its autovacuum and
 * automatic backups.
 * Before listening only the demo business, its users, catalog, stock and fiscal setup go in;
 * `start` records the demo's past sales and starts the workers and the backup schedule.
 */
export async function prepareBackground(
  app: FastifyInstance,
  config: Config,
  opts: { seed: boolean },
): Promise<Background> {
  const banner: string[] = [];
  const stops: (() => Promise<void> | void)[] = [];
  const later: (() => Promise<void> | void)[] = [];
  const database = app.database;

  // Demo data only on a database without any business: never mixed into a real one.
  const anyTenant = await database.db.selectFrom('tenants').select('id').limit(1).executeTakeFirst();
  const demoTenant = await database.db
    .selectFrom('tenants')
    .select('id')
    .where('name', '=', DEMO_BUSINESS)
    .limit(1)
    .executeTakeFirst();
  if (opts.seed && config.seedDemo && (!anyTenant || demoTenant)) {
    // The sales history (three weeks of tickets for the reports) fills in after the server
    // listens, so a first start is quick; it takes a few more seconds on an idle machine.
    const demo = await seedDemo(database, { deferSales: true });
    if (demo.created) {
      await seedDemoFiscal(database, demo.tenantId).catch((err) =>
        app.log.error({ err }, 'demo fiscal setup (CFDI) failed; invoicing needs a CSD uploaded by hand'),
      );
    }
    const recordSales = demo.recordSales;
    if (recordSales) {
      later.push(() => {
        const history = recordSales().then(
          (n) => app.log.info({ sales: n }, 'demo sales history loaded'),
          (err) => app.log.error({ err }, 'demo sales history failed'),
        );
        stops.push(() => history);
      });
    }
    banner.push(
      `  Negocio de demostración: ${DEMO_BUSINESS}${demo.created ? ' (recién creado)' : ''}`,
      `    Dueña:  ${demo.ownerEmail}  /  ${demo.ownerPassword}`,
      `    Cajero: ${demo.cashierEmail}  /  ${demo.cashierPassword}`,
    );
  }

  later.push(async () => {
    const workers = await startWorkers(app);
    stops.push(() => workers.stop());
  });

  // PGlite has no autovacuum: without this its tables would never be analyzed nor vacuumed.
  if (database.kind === 'pglite') {
    later.push(() => {
      const maintenance = every(
        MAINTENANCE_EVERY_MS,
        async () => {
          const steps = await maintainTables(database);
          if (steps.length > 0) app.log.debug({ steps }, 'embedded database maintenance');
          return false;
        },
        (err) => app.log.error({ err }, 'embedded database maintenance failed'),
      );
      stops.push(() => maintenance.stop());
    });
  }

  if (database.kind === 'pglite' && config.backupKeepDays > 0) {
    const dir = resolve(config.backupDir);
    later.push(() => {
      const schedule = scheduleBackups({
        database,
        dir,
        keepDays: config.backupKeepDays,
        everyHours: config.backupEveryHours,
        onError: (err) => app.log.error({ err }, 'automatic backup failed'),
      });
      stops.push(() => schedule.stop());
    });
    banner.push(
      `  Respaldos automáticos cada ${config.backupEveryHours} h en ${dir} (se guardan ${config.backupKeepDays} días)`,
    );
  }

  // A stop that arrives while start is still going (a SIGTERM right after the first answer)
  // waits for it, so what start began (the demo's history, the workers) is stopped, not cut off.
  let starting: Promise<void> | undefined;
  // no business before, and none seeded now
  const setupNeeded = !anyTenant && !(opts.seed && config.seedDemo);
  return {
    banner,
    setupNeeded,
    start() {
      starting ??= (async () => {
        for (const l of later) await l();
      })();
      return starting;
    },
    async stop() {
      await starting?.catch(() => {});
      for (const s of stops.reverse()) await s();
    },
  };
}
