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

/** Builds one migrated template database for this run; each test file clones it. */
export default async function setup(project: TestProject) {
  const template = `mostrador_tmpl_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  // Leftovers of runs that were killed: drop clones and templates older than a day.
  const stale = await admin<{ datname: string }[]>`
    select datname from pg_database
    where datname like 'mostrador_t%' and datname not like ${`${template}%`}`;
  for (const s of stale) {
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
