import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';

export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    pgTemplate: string;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Builds one migrated template database for this run; each test file clones it. */
export default async function setup(project: TestProject) {
  const template = `mostrador_tmpl_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  // Leftovers of runs that were killed: databases named after a test process that is gone
  // (names carry the pid of the run that made them; live runs' databases are left alone).
  const stale = await admin<{ datname: string }[]>`
    select datname from pg_database where datname ~ '^mostrador_(tmpl|test)_[0-9]+_'`;
  for (const s of stale) {
    const pid = Number(s.datname.split('_')[2]);
    if (isAlive(pid)) continue;
    await admin.unsafe(`drop database if exists "${s.datname}" with (force)`).catch(() => {});
  }
  await admin.unsafe(`create database "${template}"`);
  const db = await openDatabase({ url: ADMIN_URL.replace(/\/[^/]*$/, `/${template}`), poolSize: 2 });
  await migrate(db);
  await db.close();
  project.provide('pgTemplate', template);
  return async () => {
    await admin.unsafe(`drop database if exists "${template}" with (force)`).catch(() => {});
    await admin.end();
  };
}
