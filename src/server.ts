import cluster from 'node:cluster';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { migrate } from './db/migrate.js';
import { prepareBackground } from './background.js';
import { setupToken } from './modules/identity/setup.js';
import { AppError, messageFor } from './shared/errors.js';
import { registerWebApp } from './web/web.plugin.js';

/** START_TIMING=1 prints each phase of the start, in ms since the process began, on stderr. */
const phase = process.env.START_TIMING
  ? (label: string) => process.stderr.write(`start ${label}: ${Math.round(performance.now())} ms\n`)
  : () => {};

/**
 * The process: configuration from the environment, PostgreSQL (DATABASE_URL) or the embedded
 * PGlite in DATA_DIR, migrations, demo data on first start, listen, graceful close.
 * With PostgreSQL and WEB_CONCURRENCY > 1 the primary migrates and forks stateless workers.
 */
async function main(): Promise<void> {
  phase('modules loaded');
  const config = loadConfig();
  const clustered = config.workers > 1 && !!config.databaseUrl;
  if (config.workers > 1 && !config.databaseUrl) {
    console.warn('WEB_CONCURRENCY > 1 needs DATABASE_URL (PGlite is one process); starting one process.');
  }
  if (clustered && cluster.isPrimary) {
    const database = await openDatabase({ url: config.databaseUrl, poolSize: 2 });
    await migrate(database);
    await database.close();
    for (let i = 0; i < config.workers; i++) cluster.fork();
    let stopping = false;
    cluster.on('exit', (w, code) => {
      if (!stopping) {
        console.error(`worker ${w.process.pid} exited (${code}); starting another`);
        cluster.fork();
      }
    });
    const stop = () => {
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    return;
  }

  if (!config.databaseUrl) mkdirSync(resolve(config.dataDir), { recursive: true });
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : resolve(config.dataDir),
    poolSize: config.dbPoolSize,
  });
  phase('database open');
  const applied = clustered ? [] : await migrate(database);
  phase('migrations checked');
  const app = await buildApp({
    database,
    logger: { level: config.logLevel },
    sessionTtlSeconds: config.sessionTtlSeconds,
    secureCookies: config.secureCookies,
    saleBatches: config.saleBatches,
    extensions: [registerWebApp],
  });
  phase('app built');
  const background = await prepareBackground(app, config, { seed: !clustered || cluster.worker?.id === 1 });
  phase('demo checked or seeded');
  // Signals are handled from before the server listens: a SIGTERM right after the first answer
  // must close gracefully (Node's default would end the process at once, cutting the demo's
  // history mid-way). A second signal during the close ends the process at once.
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) {
      console.error(`${signal} again: stopping now`);
      process.exit(1);
    }
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    try {
      await app.close();
      await background.stop();
      await database.close();
      process.exit(0);
    } catch (err) {
      console.error(err);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  phase('listening');
  // Since the process began: module loading included.
  const ms = Math.round(performance.now());
  const url = config.publicUrl ?? `http://localhost:${config.port}`;
  if (!clustered || cluster.worker?.id === 1) {
    const lines = [
      '',
      `  Mostrador está listo en ${url}  (${ms} ms)`,
      `  Base de datos: ${database.kind === 'pglite' ? `PGlite embebida en ${database.location}` : database.location}`,
      applied.length ? `  Migraciones aplicadas: ${applied.join(', ')}` : '',
      `  Documentación de la API: ${url}/docs`,
      ...background.banner,
      ...(background.setupNeeded
        ? [
            '  Todavía no hay ningún negocio (SEED_DEMO=false): crea el tuyo en',
            `    ${url}/bienvenida?codigo=${setupToken()}`,
            '  (o con `npm run cli -- create-business`). El código solo sirve mientras no haya negocio.',
          ]
        : []),
      '',
    ].filter((l) => l !== '');
    console.log(lines.join('\n'));
  }
  if (!closing) await background.start();
  phase('background started');
}

main().catch((err) => {
  // A refused start (CONFIG_INVALID…) is a sentence for the operator, not a stack trace.
  if (err instanceof AppError) console.error(`Error ${err.code}: ${messageFor(err.code, 'es', err.details)}`);
  else console.error(err);
  process.exit(1);
});
