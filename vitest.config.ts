import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// The whole suite runs twice: on PGlite (embedded, in memory) and on the local PostgreSQL
// server (a fresh database per test file, cloned from a migrated template). The CFDI library
// suites touch no database (they run SAT's own tools on every XML), and neither does the
// launcher's code cache (src/start.test.ts), so they run once, in 'pglite';
// losing database connections is a PostgreSQL matter, tested in 'postgres' only.
export default defineConfig({
  test: {
    // Vitest's default is one worker fewer than the cores: one worker on this 2-core machine, and
    // the suite then ran file after file although much of it waits on PostgreSQL, Chromium or
    // SAT's tools in other processes. Two workers at least (docs/decisions.md).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'pglite',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          // connection-loss: PGlite has no connections to lose
          exclude: ['test/e2e/**', 'test/durability/connection-loss.test.ts'],
          env: { TEST_DB: 'pglite', MOSTRADOR_FAST_HASH: '1' },
          globalSetup: ['test/helpers/pglite-global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          // start.test.ts: the launcher's code cache is the same whatever the database.
          exclude: ['test/e2e/**', 'src/modules/invoicing/cfdi/**', 'src/start.test.ts'],
          env: { TEST_DB: 'postgres', MOSTRADOR_FAST_HASH: '1' },
          globalSetup: ['test/helpers/pg-global-setup.ts', 'test/helpers/pglite-global-setup.ts'],
        },
      },
      {
        // Browser tests: Debian's Chromium driven by playwright-core against a real server on a
        // random port (fresh PGlite), alongside the other projects' files.
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          env: { TEST_DB: 'pglite', MOSTRADOR_FAST_HASH: '1' },
          globalSetup: ['test/e2e/global-setup.ts', 'test/helpers/pglite-global-setup.ts'],
          testTimeout: 90_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
