import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listMigrations } from './migrate.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TEMPLATE_CACHE = join(ROOT, 'node_modules', '.cache', 'mostrador');

/**
 * Creating a PGlite cluster runs initdb inside WebAssembly (about 5 s on this machine class).
 * `npm install` (`postinstall` → `src/db/build-template.ts`) builds an initialised, migrated,
 * empty cluster once, as a plain data directory, for the installed PGlite version and the
 * current migrations; a first start copies it into the new data directory (about 0.2 s; PGlite
 * unpacking the same cluster from a tarball took about 1.2 s).
 */
export function templateDir(): string {
  const pkg = JSON.parse(
    readFileSync(join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8'),
  ) as {
    version: string;
  };
  const h = createHash('sha256');
  for (const m of listMigrations()) h.update(m.name).update(m.sql);
  const digest = h.digest('hex').slice(0, 16);
  return join(TEMPLATE_CACHE, `pglite-${pkg.version}-${digest}`);
}

/**
 * Fills a missing or empty data directory with a copy of the template. Returns false, leaving
 * the directory as it was, when there is no template for these migrations (then PGlite runs
 * initdb) or the directory has files. The copy is made beside it and renamed into place, so a
 * start killed halfway never leaves half a cluster behind.
 */
export function copyTemplate(dataDir: string): boolean {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) return false;
  let template: string;
  try {
    template = templateDir();
  } catch {
    return false;
  }
  if (!existsSync(join(template, 'PG_VERSION'))) return false;
  const tmp = `${dataDir}.${process.pid}.tmp`;
  try {
    cpSync(template, tmp, { recursive: true });
    if (existsSync(dataDir)) rmdirSync(dataDir);
    renameSync(tmp, dataDir);
    return true;
  } catch {
    rmSync(tmp, { recursive: true, force: true });
    return false;
  }
}
