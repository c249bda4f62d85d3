import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteDump: string;
  }
}

/**
 * Builds one migrated PGlite cluster for the run and leaves its dump in a file: each test file
 * (its own module graph) then loads it, instead of running initdb and the migrations itself
 * (about 3.3 s a file here, against 0.5 s for loading the dump).
 */
export default async function setup(project: TestProject) {
  const db = await openDatabase({});
  await migrate(db);
  const dump = await db.pglite!.dumpDataDir('none');
  await db.close();
  const file = join(tmpdir(), `mostrador-pglite-${process.pid}-${project.name}.tar`);
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteDump', file);
  return () => rmSync(file, { force: true });
}
