// `npm start`: rebuilds dist/server.js if a source changed (see build-if-stale.mjs), then runs
// it in this process. Stack traces point at src/*.ts through the bundle's source map.
import { pathToFileURL } from 'node:url';
import { buildServerIfStale } from './build-if-stale.mjs';

const bundle = await buildServerIfStale();
process.setSourceMapsEnabled(true);
await import(pathToFileURL(bundle).href);
