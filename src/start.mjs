// `npm start`: rebuilds dist/server.cjs if a source changed (see build-if-stale.mjs), then runs
// it in this process from V8's code cache. Stack traces point at src/*.ts through the bundle's
// source map.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire, SourceMap } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildServerIfStale, bundleScript, readCodeCache, writeCodeCache } from './build-if-stale.mjs';

/**
 * Maps the bundle's frames in stack traces back to src/*.ts, reading the 3 MB source map at the
 * first stack that needs it. Node's own support (process.setSourceMapsEnabled) reads and indexes
 * the map while the bundle loads: about 80 ms of every start, for traces most starts never print.
 * A frame keeps V8's own wording (async, new, method names); only its location is replaced.
 */
function mapStackTracesLazily(bundlePath) {
  const bundleUrl = pathToFileURL(bundlePath).href;
  let map;
  const located = (site) => {
    const file = site.getFileName();
    if (file !== bundleUrl && file !== bundlePath) return null;
    map ??= new SourceMap(JSON.parse(readFileSync(`${bundlePath}.map`, 'utf8')));
    const entry = map.findEntry(site.getLineNumber() - 1, site.getColumnNumber() - 1);
    if (!entry?.originalSource) return null;
    const source = entry.originalSource.startsWith('file:')
      ? fileURLToPath(entry.originalSource)
      : resolve(dirname(bundlePath), entry.originalSource);
    return {
      from: `${file}:${site.getLineNumber()}:${site.getColumnNumber()}`,
      to: `${relative(process.cwd(), source)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`,
    };
  };
  Error.prepareStackTrace = (error, sites) => {
    let head;
    try {
      head = Error.prototype.toString.call(error);
    } catch {
      head = '<error>';
    }
    const frames = sites.map((site) => {
      const text = String(site);
      try {
        const at = located(site);
        return `    at ${at ? text.replace(at.from, at.to) : text}`;
      } catch {
        return `    at ${text}`;
      }
    });
    return [head, ...frames].join('\n');
  };
}

/**
 * Runs the CommonJS bundle as one script compiled from V8's code cache (`<bundle>.v8cache`, see
 * build-if-stale.mjs), which skips most of parsing and compiling 3 MB of JavaScript at every start
 * (Node 20 has no such cache for ES modules). The build writes a first cache of what V8 compiles
 * up front; the first start that finds it (or none, or one V8 refuses) writes a fuller one a few
 * seconds after the start, or at exit if sooner, once the functions of the start and of the
 * first requests are compiled. A read-only install keeps what it has.
 */
function runBundle(bundlePath) {
  const code = readFileSync(bundlePath, 'utf8');
  const cached = readCodeCache(bundlePath, code);
  const script = bundleScript(bundlePath, code, cached?.data);
  const state = !cached ? 'none' : script.cachedDataRejected ? 'rejected' : `used (${cached.kind})`;
  if (process.env.START_TIMING)
    process.stderr.write(`start code cache ${state}: ${Math.round(performance.now())} ms\n`);
  if (state !== 'used (run)') {
    let written = false;
    const write = () => {
      if (written) return;
      written = true;
      writeCodeCache(bundlePath, code, 'run', script.createCachedData());
    };
    setTimeout(write, 5000).unref();
    // A process stopped sooner (a quick try, a test) writes it on its way out.
    process.once('exit', write);
  }
  // A script from the code cache cannot run import() (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING):
  // the bundle loads the packages it leaves outside (PGlite…) through this one.
  globalThis.__mostradorImport = (specifier) => import(specifier);
  const module = { exports: {} };
  script.runInThisContext()(
    module.exports,
    createRequire(bundlePath),
    module,
    bundlePath,
    dirname(bundlePath),
  );
}

/**
 * On the embedded database, reads PGlite's WebAssembly and file-system bundle and compiles the
 * former (V8 compiles it on other threads) while this thread loads and runs the server bundle:
 * PGlite would otherwise wait for both, idle, at the start of its open (about 80 ms of a restart
 * here; docs/benchmarks.md). `openPglite` takes them from `globalThis.__mostradorPglite`.
 */
function preloadPglite() {
  if (process.env.DATABASE_URL) return;
  const dist = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  const wasm = readFile(join(dist, 'pglite.wasm')).then((bytes) => WebAssembly.compile(bytes));
  const data = readFile(join(dist, 'pglite.data')).then((bytes) => new Blob([bytes]));
  // A failure here only means PGlite loads them itself: no unhandled rejection.
  wasm.catch(() => {});
  data.catch(() => {});
  globalThis.__mostradorPglite = { wasm, data };
}

preloadPglite();
const bundle = await buildServerIfStale();
mapStackTracesLazily(bundle);
runBundle(bundle);
