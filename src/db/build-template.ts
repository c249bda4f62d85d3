/** `postinstall`: builds the migrated empty PGlite cluster image (see pglite-template.ts). */
import { existsSync } from 'node:fs';
import { openDatabase } from './database.js';
import { migrate } from './migrate.js';
import { templateFile, writeTemplate } from './pglite-template.js';

const file = templateFile();
if (existsSync(file) && !process.argv.includes('--force')) {
  console.log(`PGlite template up to date: ${file}`);
} else {
  const t0 = performance.now();
  const database = await openDatabase({});
  await migrate(database);
  const image = await database.pglite!.dumpDataDir('gzip');
  await database.close();
  const written = writeTemplate(Buffer.from(await image.arrayBuffer()));
  console.log(`PGlite template built in ${Math.round(performance.now() - t0)} ms: ${written}`);
}
