import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * Writes `asset-list.json` (every file of the build) so the service worker can cache the
 * whole app shell on install, before the page has requested any lazy chunk.
 */
function assetList(): Plugin {
  return {
    name: 'mostrador-asset-list',
    apply: 'build',
    // After the files are written: a chunk that only carried CSS shared by two lazy pages is
    // dropped from the bundle late, and a listed file that does not exist would make the
    // service worker's install fail (cache.addAll is all or nothing).
    writeBundle(options, bundle) {
      const dir = options.dir ?? fileURLToPath(new URL('dist', import.meta.url));
      const files = Object.keys(bundle).filter((f) => !f.endsWith('.map') && existsSync(join(dir, f)));
      writeFileSync(
        join(dir, 'asset-list.json'),
        JSON.stringify({ builtAt: new Date().toISOString(), files }),
      );
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react(), assetList()],
  resolve: { alias: { '@server': fileURLToPath(new URL('../src', import.meta.url)) } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/api': 'http://localhost:3000', '/docs': 'http://localhost:3000' } },
});
