import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listMigrations } from './migrate.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Creating a PGlite cluster runs initdb inside WebAssembly (about 5 s on this machine class);
 * unpacking an initialised, migrated, empty cluster takes well under 2 s. `npm install` builds
 * that image once (`postinstall` → `src/db/build-template.ts`) for the installed PGlite version
 * and the current migrations; a first start with a new data directory starts from it.
 */
export function templateFile(): string {
  const pkg = JSON.parse(
    readFileSync(join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8'),
  ) as {
    version: string;
  };
  const h = createHash('sha256');
  for (const m of listMigrations()) h.update(m.name).update(m.sql);
  const digest = h.digest('hex').slice(0, 16);
  return join(ROOT, 'node_modules', '.cache', 'mostrador', `pglite-${pkg.version}-${digest}.tar.gz`);
}

/** The template image for a new data directory, or undefined (then PGlite runs initdb). */
export function templateFor(dataDir: string): Blob | undefined {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) return undefined;
  try {
    const file = templateFile();
    if (!existsSync(file)) return undefined;
    return new Blob([readFileSync(file)]);
  } catch {
    return undefined;
  }
}

export function writeTemplate(bytes: Buffer): string {
  const file = templateFile();
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
  return file;
}
