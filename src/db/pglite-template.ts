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
  return join(TEMPLATE_CACHE, templateName(pgliteVersion(), migrationFingerprints()));
}

/** How build-template.ts makes a template; a new one makes `npm install` build it again. */
const TEMPLATE_FORMAT = 'without-template-databases';

/** `pglite-<version>-<digest of the migrations and the format>`. */
function templateName(version: string, fingerprints: string[]): string {
  const digest = createHash('sha256')
    .update([TEMPLATE_FORMAT, ...fingerprints].join('\n'))
    .digest('hex');
  return `pglite-${version}-${digest.slice(0, 16)}`;
}

function pgliteVersion(): string {
  return (
    JSON.parse(
      readFileSync(join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8'),
    ) as {
      version: string;
    }
  ).version;
}

/** One entry per migration, `name:hash of its SQL`, in order. */
export function migrationFingerprints(): string[] {
  return listMigrations().map(
    (m) => `${m.name}:${createHash('sha256').update(m.sql).digest('hex').slice(0, 16)}`,
  );
}

/** The file beside a template that lists the migrations inside it (`<template>.json`). */
export function templateManifest(dir: string): string {
  return `${dir}.json`;
}

/**
 * The template to start a new data directory from: the one built for these migrations or, when
 * `npm install` has not run since a migration was added, the newest one of the same PGlite whose
 * migrations are the first ones of today's (the start then applies the rest, instead of running
 * initdb for about 5 s). Null when none fits.
 */
export function pickTemplate(
  cache = TEMPLATE_CACHE,
  version = pgliteVersion(),
  fingerprints = migrationFingerprints(),
): string | null {
  const exact = join(cache, templateName(version, fingerprints));
  if (existsSync(join(exact, 'PG_VERSION'))) return exact;
  let best: { dir: string; n: number } | null = null;
  for (const name of existsSync(cache) ? readdirSync(cache) : []) {
    const dir = join(cache, name);
    if (!name.startsWith(`pglite-${version}-`) || name.endsWith('.json') || name.endsWith('.tmp')) continue;
    if (!existsSync(join(dir, 'PG_VERSION')) || !existsSync(templateManifest(dir))) continue;
    let inside: unknown;
    try {
      inside = JSON.parse(readFileSync(templateManifest(dir), 'utf8'));
    } catch {
      continue;
    }
    if (!Array.isArray(inside) || inside.length > fingerprints.length) continue;
    if (!inside.every((f, i) => f === fingerprints[i])) continue;
    if (!best || inside.length > best.n) best = { dir, n: inside.length };
  }
  return best?.dir ?? null;
}

/**
 * Fills a missing or empty data directory with a copy of the template (see pickTemplate).
 * Returns false, leaving the directory as it was, when no template fits (then PGlite runs
 * initdb) or the directory has files. The copy is made beside it and renamed into place, so a
 * start killed halfway never leaves half a cluster behind.
 */
export function copyTemplate(dataDir: string): boolean {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) return false;
  let template: string | null;
  try {
    template = pickTemplate();
  } catch {
    return false;
  }
  if (!template) return false;
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
