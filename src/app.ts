import { sql } from 'kysely';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from './db/database.js';
import { type Access, allows, isCrossSiteWrite } from './http/access.js';
import { errorBody, handleError } from './http/errors.js';
import { registerIdempotency } from './http/idempotency.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { API_TOKEN_PREFIX, resolveCredential, SESSION_COOKIE } from './modules/identity/identity.service.js';
import { announceEvents } from './modules/events/announce.js';
import { apiModules } from './modules/index.js';
import { saleBatcherOf, installSaleBatcher } from './modules/sales/sale-batcher.js';
import type { Ctx } from './shared/context.js';
import { errorCatalog } from './shared/errors.js';
import { loadPackage } from './shared/load-package.js';

z.config(z.locales.es());

export interface AppOptions {
  database: Database;
  /** The clock; tests pin it. */
  now?: () => Date;
  logger?: boolean | { level: string };
  sessionTtlSeconds?: number;
  secureCookies?: boolean;
  /** Counter-sale batches in flight at once on PostgreSQL (default 4); PGlite always has one. */
  saleBatches?: number;
  /** Extra plugins to register (the web app, background workers). */
  extensions?: ((app: FastifyInstance) => Promise<void>)[];
}

export interface RouteInfo {
  method: string;
  url: string;
  access: Access;
}

declare module 'fastify' {
  interface FastifyInstance {
    database: Database;
    now: () => Date;
    routeTable: RouteInfo[];
    sessionTtlSeconds: number;
    secureCookies: boolean;
    /** The service context for this request: the principal's business, user and the clock. */
    ctxFor(req: FastifyRequest): Ctx;
    /** Runs `fn` in one transaction with the request's context; commit, then reply. */
    inTx<T>(req: FastifyRequest, fn: (ctx: Ctx) => Promise<T>): Promise<T>;
  }
}

export type App = FastifyInstance;

function errorCodesMarkdown(): string {
  const rows = [...errorCatalog().entries()]
    // codes are ASCII: a plain comparison (the first localeCompare loads ICU's collator, 15–40 ms
    // of every start)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([code, s]) => `| \`${code}\` | ${s.status} | ${s.es} | ${s.en} |`);
  return ['| code | HTTP | es-MX | en |', '|---|---|---|---|', ...rows].join('\n');
}

/**
 * The API reference page (Scalar) at /docs. Its package carries a 4 MB script that takes about
 * 0.2 s to load, so it is loaded on the first visit: a small Fastify instance with the plugin
 * answers these routes through `inject`. The OpenAPI document itself is built by
 * `app.swagger()` when /openapi.json is asked for.
 */
function registerDocs(app: FastifyInstance): void {
  let docs: Promise<FastifyInstance> | undefined;
  const load = async () => {
    const { default: scalar } = await loadPackage('@scalar/fastify-api-reference');
    const inner = Fastify();
    await inner.register(scalar, { routePrefix: '/docs', configuration: { url: '/openapi.json' } });
    await inner.ready();
    return inner;
  };
  for (const url of ['/docs', '/docs/', '/docs/js/scalar.js']) {
    // Scalar's page runs inline scripts of its own: the app's content policy is not for it.
    const config = { access: 'public', securityHeaders: 'no-csp' } as const;
    app.get(url, { config, schema: { hide: true } }, async (req, reply) => {
      docs ??= load();
      const res = await (await docs).inject({ method: 'GET', url: req.url, headers: req.headers });
      const { connection: _c, 'transfer-encoding': _t, 'keep-alive': _k, date: _d, ...headers } = res.headers;
      return reply.status(res.statusCode).headers(headers).send(res.rawPayload);
    });
  }
  app.addHook('onClose', async () => {
    const inner = await docs?.catch(() => undefined);
    await inner?.close();
  });
}

/**
 * Security headers on every answer (helmet's, see http/security-headers.ts): the web app may run only its own scripts
 * and talk only to this server (QR codes are data: images, printer files blob: URLs), no site may
 * frame it (a till in a hidden frame is a clickjacking target), no MIME sniffing, no referrer.
 * HTTP stays HTTP: shops reach the server on the local network as http://192.168.x.x, so neither
 * `upgrade-insecure-requests` nor HSTS is sent unless it is served over HTTPS (SECURE_COOKIES).
 */
function securityHeaders(https: boolean) {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'"],
        manifestSrc: ["'self'"],
        objectSrc: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    frameguard: { action: 'deny' as const },
    strictTransportSecurity: https ? { maxAge: 15_552_000 } : false,
    referrerPolicy: { policy: 'no-referrer' as const },
  };
}

/** Builds the application: plugins and modules. It never listens. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 20 * 1024 * 1024,
    // On close: finish requests in flight, drop idle keep-alive sockets (SSE streams end in preClose).
    forceCloseConnections: 'idle',
    // No HEAD twin for every GET of the API (about 30 ms of each start, inserting them in the
    // router): /health and the web app's pages keep theirs, for monitors and link checkers.
    exposeHeadRoutes: false,
    genReqId: () => `req_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`,
  });
  // The API takes JSON (and CSV where a route says so). Fastify's default text/plain parser goes:
  // a text/plain body is also what a form on another site can send without asking first.
  app.removeContentTypeParser('text/plain');
  app.decorate('database', options.database);
  // Counter sales that arrive together are recorded in one statement and one commit (group
  // commit); PGlite has one connection, PostgreSQL gets a few batches in flight at once.
  if (!saleBatcherOf(options.database.db))
    installSaleBatcher(options.database.db, {
      concurrency: options.database.kind === 'pglite' ? 1 : (options.saleBatches ?? 4),
    });
  app.decorate('now', options.now ?? (() => new Date()));
  app.decorate('routeTable', [] as RouteInfo[]);
  app.decorate('sessionTtlSeconds', options.sessionTtlSeconds ?? 12 * 3600);
  app.decorate('secureCookies', options.secureCookies ?? false);
  app.decorateRequest('principal', null);
  app.decorate('ctxFor', (req: FastifyRequest): Ctx => {
    const p = req.principal;
    if (!p) throw new Error('ctxFor called on a public route');
    return {
      db: options.database.db,
      tenantId: p.tenantId,
      userId: p.userId,
      role: p.role,
      locationIds: p.locationIds,
      now: app.now(),
    };
  });
  app.decorate('inTx', async <T>(req: FastifyRequest, fn: (ctx: Ctx) => Promise<T>): Promise<T> => {
    const ctx = app.ctxFor(req);
    return options.database.db.transaction().execute((trx) => fn({ ...ctx, db: trx }));
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send(errorBody(req, 'ROUTE_NOT_FOUND', { method: req.method, url: req.url }));
  });

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const access = route.config?.access;
    if (route.url.startsWith('/api/') && !access) {
      throw new Error(`route ${methods.join(',')} ${route.url} does not declare config.access`);
    }
    for (const m of methods) {
      if (m === 'HEAD') continue;
      app.routeTable.push({ method: m, url: route.url, access: access ?? 'public' });
    }
  });

  await app.register(fastifyCookie);
  registerSecurityHeaders(app, securityHeaders(options.secureCookies ?? false));
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Mostrador API',
        version: '1',
        description: [
          'Punto de venta omnicanal. REST JSON under `/api/v1`.',
          '',
          'Authentication: a web session cookie (`POST /api/v1/auth/login`) or `Authorization: Bearer mst_…` API token.',
          'Money and quantities are decimal strings (`"149.90"`, `"0.750"`). Every POST honours `Idempotency-Key`.',
          'Lists use cursor pagination (`limit`, `cursor` → `nextCursor`).',
          '',
          'Errors: `{ "error": { "code", "message", "details" } }`; the message follows `Accept-Language` (es-MX by default).',
          '',
          '### Error codes',
          '',
          errorCodesMarkdown(),
        ].join('\n'),
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
    transform: jsonSchemaTransform,
  });
  registerDocs(app);
  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  app.addHook('onRequest', async (req, reply) => {
    const access = req.routeOptions.config?.access;
    if (!access) return;
    const header = req.headers.authorization;
    let principal = null;
    if (header?.startsWith('Bearer ')) {
      const secret = header.slice(7).trim();
      if (secret.startsWith(API_TOKEN_PREFIX))
        principal = await resolveCredential(app.database.db, 'token', secret, app.now());
    } else {
      const cookie = req.cookies[SESSION_COOKIE];
      if (cookie && isCrossSiteWrite(req))
        return reply.status(403).send(errorBody(req, 'CROSS_SITE_REQUEST'));
      if (cookie) principal = await resolveCredential(app.database.db, 'session', cookie, app.now());
    }
    req.principal = principal;
    const verdict = allows(access, principal);
    if (verdict === 'unauthenticated') return reply.status(401).send(errorBody(req, 'UNAUTHENTICATED'));
    if (verdict === 'forbidden')
      return reply.status(403).send(errorBody(req, 'FORBIDDEN', { role: principal?.role }));
  });
  registerIdempotency(app, options.database);
  // A write that committed may have written outbox events: wake the dispatchers now.
  app.addHook('onResponse', async (req, reply) => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && reply.statusCode < 500)
      announceEvents(options.database);
  });

  // For load balancers and supervisors: 200 when the database answers within 2 s, else 503.
  app.get(
    '/health',
    { config: { access: 'public' }, schema: { hide: true }, exposeHeadRoute: true },
    async (_req, reply) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          sql`select 1`.execute(options.database.db),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('no answer within 2 s')), 2000);
          }),
        ]);
        return { ok: true, database: options.database.kind };
      } catch (err) {
        return reply
          .status(503)
          .send({ ok: false, database: options.database.kind, error: (err as Error).message });
      } finally {
        clearTimeout(timer);
      }
    },
  );

  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/api/v1/errors',
    {
      config: { access: 'public' },
      schema: {
        tags: ['meta'],
        summary: 'Every error code with its HTTP status and its messages',
        response: {
          200: z.array(z.object({ code: z.string(), status: z.number(), es: z.string(), en: z.string() })),
        },
      },
    },
    async () => [...errorCatalog().entries()].map(([code, s]) => ({ code, ...s })),
  );

  for (const mod of apiModules) {
    await app.register(mod, { prefix: '/api/v1' });
  }
  for (const ext of options.extensions ?? []) await ext(app);
  return app;
}
