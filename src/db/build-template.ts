/** `postinstall`: builds the migrated empty PGlite cluster (see pglite-template.ts). */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { openDatabase } from './database.js';
import { migrate } from './migrate.js';
import { migrationFingerprints, TEMPLATE_CACHE, templateDir, templateManifest } from './pglite-template.js';

const dir = templateDir();
if (
  existsSync(join(dir, 'PG_VERSION')) &&
  existsSync(templateManifest(dir)) &&
  !process.argv.includes('--force')
) {
  console.log(`PGlite template up to date: ${dir}`);
} else {
  const t0 = performance.now();
  const tmp = `${dir}.${process.pid}.tmp`;
  mkdirSync(TEMPLATE_CACHE, { recursive: true });
  rmSync(tmp, { recursive: true, force: true });
  const database = await openDatabase({ dataDir: tmp, template: false });
  await migrate(database);
  // A PGlite cluster serves one database: template0 and template1 (the models CREATE DATABASE
  // copies) are 600 of its 1,300 files, and creating files is where a first start's copy of
  // the template spends its time (0.5 ms each on this machine class).
  for (const name of ['template0', 'template1']) {
    await database.exec(`alter database ${name} is_template false`);
    await database.exec(`drop database ${name}`);
  }
  await database.close();
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  // Which migrations it holds: a later start may use it for a prefix of newer migrations.
  writeFileSync(templateManifest(dir), JSON.stringify(migrationFingerprints()));
  // Templates of other PGlite versions or older migrations (and the older tarballs) are superseded.
  for (const name of readdirSync(TEMPLATE_CACHE)) {
    const mine = name === basename(dir) || name === basename(templateManifest(dir));
    if (name.startsWith('pglite-') && !mine && !name.endsWith('.tmp'))
      rmSync(join(TEMPLATE_CACHE, name), { recursive: true, force: true });
  }
  console.log(`PGlite template built in ${Math.round(performance.now() - t0)} ms: ${dir}`);
}
