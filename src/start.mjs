// `npm start`: rebuilds dist/server.js if a source changed (see build-if-stale.mjs), then runs
// it in this process. Stack traces point at src/*.ts through the bundle's source map.
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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

const bundle = await buildServerIfStale();
mapStackTracesLazily(bundle);
await import(pathToFileURL(bundle).href);
