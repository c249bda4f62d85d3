import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where `vite build` writes the browser app (web/dist). */
export const WEB_DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../../web/dist');

export interface WebAppOptions {
  /** The built app; defaults to web/dist. */
  root?: string;
}

const NOT_BUILT = `<!doctype html><html lang="es-MX"><meta charset="utf-8"><title>Mostrador</title>
<body style="font-family:system-ui;margin:3rem"><h1>Mostrador</h1>
<p>La aplicación web no está compilada. Ejecuta <code>npm run build:web</code> (o <code>npm start</code>, que la compila) y recarga.</p>
<p>La API sigue disponible en <a href="/docs">/docs</a>.</p></body></html>`;

/** Paths the SPA fallback must leave alone: the API, the docs and files that really are missing. */
function isAppRoute(url: string): boolean {
  const path = url.split('?')[0] ?? '/';
  if (path.startsWith('/api/') || path === '/api' || path.startsWith('/docs') || path === '/openapi.json')
    return false;
  if (path.startsWith('/assets/')) return false;
  // A last segment with an extension is a file request (icon.png, sw.js): a miss is a 404, not the app.
  const last = path.slice(path.lastIndexOf('/') + 1);
  return !/\.[a-z0-9]{1,8}$/i.test(last);
}

function noCache(reply: FastifyReply): void {
  reply.header('cache-control', 'no-cache');
}

/**
 * Serves the browser app (POS terminal and back office) from web/dist with the same server as
 * the API: hashed assets cached for a year, index.html and the service worker always revalidated,
 * and any other non-API GET answered with index.html so client-side routes survive a reload.
 */
export async function registerWebApp(app: FastifyInstance, options: WebAppOptions = {}): Promise<void> {
  const root = options.root ?? WEB_DIST;
  const built = existsSync(resolve(root, 'index.html'));
  if (!built) {
    app.log.warn({ root }, 'web app not built; run npm run build:web');
    app.get(
      '/*',
      { config: { access: 'public' }, schema: { hide: true }, exposeHeadRoute: true },
      async (req, reply) => {
        if (!isAppRoute(req.url)) return reply.callNotFound();
        return reply.type('text/html; charset=utf-8').status(503).send(NOT_BUILT);
      },
    );
    return;
  }
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    cacheControl: false,
    index: ['index.html'],
    setHeaders: (reply, path) => {
      if (path.includes('/assets/')) reply.header('cache-control', 'public, max-age=31536000, immutable');
      else reply.header('cache-control', 'no-cache');
      if (path.endsWith('sw.js')) reply.header('service-worker-allowed', '/');
    },
  });
  app.get(
    '/*',
    { config: { access: 'public' }, schema: { hide: true }, exposeHeadRoute: true },
    async (req, reply) => {
      if (!isAppRoute(req.url)) return reply.callNotFound();
      noCache(reply);
      return reply.sendFile('index.html', root, { cacheControl: false });
    },
  );
}
