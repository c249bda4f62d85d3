// `npm start`: rebuilds dist/server.cjs if a source changed (see build-if-stale.mjs), then runs
// it in this process from V8's code cache. Stack traces point at src/*.ts through the bundle's
// source map.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire, SourceMap } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { buildServerIfStale } from './build-if-stale.mjs';

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
 * Runs the CommonJS bundle as one script compiled from V8's code cache (`<bundle>.v8cache`), which
 * skips most of parsing and compiling 3 MB of JavaScript at every start (Node 20 has no such
 * cache for ES modules). The cache is V8's own format, valid for one bundle and one Node.js build:
 * its first line names both, and a cache for anything else is ignored (V8 itself checks little
 * more than the source's length). When there was none, or V8 refused it, a new one is written a
 * few seconds after the start (or at exit, if sooner), once the functions of the start and of the
 * first requests are compiled, so they are in it too. A read-only install just compiles at every start.
 */
function runBundle(bundlePath) {
  const code = readFileSync(bundlePath, 'utf8');
  const cachePath = `${bundlePath}.v8cache`;
  const key = `${createHash('sha1').update(code).digest('hex')} ${process.version} ${process.arch}\n`;
  let cachedData;
  try {
    const file = readFileSync(cachePath);
    if (file.subarray(0, key.length).toString('latin1') === key) cachedData = file.subarray(key.length);
  } catch {
    // no cache yet
  }
  // The wrapper has its own first line: the bundle's lines keep their numbers (source map).
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {\n${code}\n})`, {
    filename: bundlePath,
    lineOffset: -1,
    cachedData,
  });
  if (process.env.START_TIMING) {
    const state = !cachedData ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
    process.stderr.write(`start code cache ${state}: ${Math.round(performance.now())} ms\n`);
  }
  if (!cachedData || script.cachedDataRejected) {
    let written = false;
    const write = () => {
      if (written) return;
      written = true;
      try {
        const tmp = `${cachePath}.${process.pid}.tmp`;
        writeFileSync(tmp, Buffer.concat([Buffer.from(key, 'latin1'), script.createCachedData()]));
        renameSync(tmp, cachePath);
      } catch {
        // a read-only install: no cache
      }
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

const bundle = await buildServerIfStale();
mapStackTracesLazily(bundle);
runBundle(bundle);
