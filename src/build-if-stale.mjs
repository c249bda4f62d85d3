// Bundles the server (src/server.ts, what it imports and most packages) into dist/server.cjs
// with esbuild when the bundle is missing or older than its sources, so `npm start` runs one
// JavaScript file instead of compiling TypeScript at every start (tsx spent about a second
// there). `npm install` builds it (postinstall); `npm run build:server` rebuilds it.
// Like tsx, esbuild strips types without checking them: `npm run typecheck` does that.

import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const here = fileURLToPath(import.meta.url);
const src = dirname(here);
const repo = resolve(src, '..');
export const SERVER_BUNDLE = join(repo, 'dist', 'server.cjs');

/**
 * The bundle as one script: CommonJS's wrapper on a line of its own, so the bundle's lines keep
 * their numbers (source map), compiled from `cachedData` when given (check `cachedDataRejected`).
 */
export function bundleScript(bundlePath, code, cachedData) {
  return new vm.Script(`(function (exports, require, module, __filename, __dirname) {\n${code}\n})`, {
    filename: bundlePath,
    lineOffset: -1,
    cachedData,
  });
}

// The code cache is V8's own format, valid for one bundle and one Node.js build. Its first line
// names both, then who wrote it ('build': what V8 compiles up front; 'run': also what a start
// compiled): V8 itself checks little more than the source's length before running cached code.
const cacheKey = (code) =>
  `${createHash('sha1').update(code).digest('hex')} ${process.version} ${process.arch}`;

/** The code cache for this bundle and this Node.js, or undefined (none, or made for another). */
export function readCodeCache(bundlePath, code) {
  let file;
  try {
    file = readFileSync(`${bundlePath}.v8cache`);
  } catch {
    return undefined;
  }
  const eol = file.indexOf(10);
  const head = file.subarray(0, eol).toString('latin1');
  const key = cacheKey(code);
  if (eol < 0 || !head.startsWith(`${key} `)) return undefined;
  return { kind: head.slice(key.length + 1), data: file.subarray(eol + 1) };
}

/** Writes the code cache beside the bundle (whole or not at all); false on a read-only install. */
export function writeCodeCache(bundlePath, code, kind, data) {
  const path = `${bundlePath}.v8cache`;
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, Buffer.concat([Buffer.from(`${cacheKey(code)} ${kind}\n`, 'latin1'), data]));
    renameSync(tmp, path);
    return true;
  } catch {
    rmSync(tmp, { force: true });
    return false;
  }
}

function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const name = entry.name;
    if (entry.isDirectory() || (name.endsWith('.ts') && !name.endsWith('.test.ts')))
      max = Math.max(max, newest(join(path, name)));
  }
  return max;
}

/** Builds dist/server.cjs when it is older than src/**.ts, this file or the lockfiles; returns its path. */
export async function buildServerIfStale({ force = false } = {}) {
  const built = existsSync(SERVER_BUNDLE) ? statSync(SERVER_BUNDLE).mtimeMs : 0;
  if (!force && built > 0) {
    const sources = Math.max(
      newest(src),
      statSync(here).mtimeMs,
      newest(join(repo, 'package-lock.json')),
      // npm rewrites this one at every install: bundled packages may have changed.
      newest(join(repo, 'node_modules', '.package-lock.json')),
      newest(join(repo, 'tsconfig.json')),
    );
    if (built > sources) return SERVER_BUNDLE;
  }
  const t0 = performance.now();
  const startedAt = new Date();
  const { build } = await import('esbuild');
  const outDir = dirname(SERVER_BUNDLE);
  const result = await build({
    entryPoints: [join(src, 'server.ts')],
    outfile: SERVER_BUNDLE,
    bundle: true,
    // Packages are bundled too: loading one file instead of several hundred halves the module
    // loading time. These stay imports: PGlite and argon2 load files next to their own code
    // (WebAssembly, a native addon), and Scalar and exceljs are loaded on first use (see app.ts,
    // reports.export.ts). Bundled, @fastify/swagger cannot read its own package.json (default
    // title and version of the document); app.ts sets both.
    external: ['@electric-sql/pglite', '@node-rs/argon2', '@scalar/fastify-api-reference', 'exceljs'],
    // CommonJS, not ESM: src/start.mjs runs it as one script from V8's code cache, which Node 20
    // offers for scripts only (compiling the 3 MB bundle is about a fifth of a restart). Modules
    // that read import.meta.url get the bundle's URL (and then their own: the plugin below).
    banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__bundleUrl' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Minified, the bundle is about 3 MB instead of 5.4 and loads about 0.1 s sooner; names are
    // kept (errors, profiles) and the source map points stack traces at src/.
    minify: true,
    keepNames: true,
    sourcemap: 'linked',
    sourcesContent: false,
    write: false,
    logLevel: 'warning',
    plugins: [
      {
        // Our modules find files beside their source (migrations, SAT catalogs, fixtures,
        // web/dist): point each module's import.meta.url back at its file under src/.
        name: 'source-import-meta-url',
        setup(b) {
          b.onLoad({ filter: /\.ts$/ }, (args) => {
            let contents = readFileSync(args.path, 'utf8');
            if (args.path.startsWith(src) && contents.includes('import.meta.url')) {
              const rel = relative(outDir, args.path).split('\\').join('/');
              contents = contents.replaceAll(
                'import.meta.url',
                `new URL(${JSON.stringify(rel)}, import.meta.url).href`,
              );
            }
            return { contents, loader: 'ts' };
          });
        },
      },
    ],
  });
  mkdirSync(outDir, { recursive: true });
  // Write beside, then rename: a server starting at the same moment never reads half a bundle.
  // The bundle goes last, stamped with the time the build began: a source saved during the
  // build is newer, so the next start builds again.
  const bundle = result.outputFiles.find((f) => f.path === SERVER_BUNDLE);
  for (const f of [...result.outputFiles.filter((f) => f !== bundle), bundle]) {
    const tmp = `${f.path}.${process.pid}.tmp`;
    writeFileSync(tmp, f.contents);
    if (f === bundle) utimesSync(tmp, startedAt, startedAt);
    renameSync(tmp, f.path);
  }
  // The ES module bundle of older versions.
  for (const old of [join(outDir, 'server.js'), join(outDir, 'server.js.map')]) rmSync(old, { force: true });
  // A first code cache (see start.mjs), so that the first start after an install has one too.
  const code = readFileSync(SERVER_BUNDLE, 'utf8');
  writeCodeCache(SERVER_BUNDLE, code, 'build', bundleScript(SERVER_BUNDLE, code).createCachedData());
  console.log(`Mostrador: servidor compilado en ${Math.round(performance.now() - t0)} ms (dist/server.cjs)`);
  return SERVER_BUNDLE;
}

if (process.argv[1] && resolve(process.argv[1]) === here) {
  await buildServerIfStale({ force: process.argv.includes('--force') });
}
