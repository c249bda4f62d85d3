import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The project's shared material (SAT tools and samples, the raw-checkout benchmark): the
 * `shared/` folder next to the repository, or next to any folder above it (a clone may sit
 * deeper), or MOSTRADOR_SHARED_DIR. Only tests and benchmarks need it; the product does not.
 */
export function sharedDir(): string {
  if (process.env.MOSTRADOR_SHARED_DIR) return process.env.MOSTRADOR_SHARED_DIR;
  let dir = REPO;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dirname(dir), 'shared');
    if (existsSync(join(candidate, 'tools', 'cfdi-check'))) return candidate;
    dir = dirname(dir);
  }
  return resolve(REPO, '../shared');
}

/** SAT's CFDI 4.0 schemas, copied into the repository (the sandbox PAC validates with them). */
export const SAT_XSD_DIR = join(REPO, 'src', 'sat', 'xsd');
