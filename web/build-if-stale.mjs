// Builds the browser app when web/dist is missing or older than its sources, so `npm start`
// on a fresh clone serves the terminal without a second command. Fast when nothing changed.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = dirname(fileURLToPath(import.meta.url));
const repo = resolve(web, '..');
const stamp = join(web, 'dist', 'asset-list.json');

function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

const sources = [
  join(web, 'src'),
  join(web, 'public'),
  join(web, 'index.html'),
  join(web, 'vite.config.ts'),
  // Server code the browser bundles: exact tax math, money, ids, the CFDI payment terms and the
  // global invoice's period (type-only imports, such as the invoicing schemas, add no code).
  join(repo, 'src', 'modules', 'catalog', 'tax.ts'),
  join(repo, 'src', 'modules', 'invoicing', 'payment-terms.ts'),
  join(repo, 'src', 'modules', 'invoicing', 'global-period.ts'),
  join(repo, 'src', 'shared'),
  join(repo, 'package-lock.json'),
];
const force = process.argv.includes('--force');
const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const src = Math.max(...sources.map(newest));
if (!force && built > src) process.exit(0);

// A test runner's NODE_ENV=test would otherwise give React's development build.
process.env.NODE_ENV = 'production';
let vite;
try {
  vite = await import('vite');
} catch {
  console.warn(
    'Mostrador: vite no está instalado (¿npm install --omit=dev?); la interfaz web no se compiló.',
  );
  process.exit(existsSync(stamp) ? 0 : process.argv.includes('--strict') ? 1 : 0);
}
const t0 = Date.now();
console.log('Mostrador: compilando la interfaz web…');
try {
  await vite.build({ configFile: join(web, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
} catch (err) {
  console.error(err);
  process.exit(1);
}
console.log(`Mostrador: interfaz web lista en ${((Date.now() - t0) / 1000).toFixed(1)} s`);
