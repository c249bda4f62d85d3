import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `no-csp`: every security header but the content policy (a page that runs its own inline scripts). */
    securityHeaders?: 'no-csp';
  }
}

/**
 * The headers helmet sets for `options`, worked out once. Helmet's middleware only writes headers
 * (our directives are constants, not per-request functions), so running it against a recording
 * response gives exactly what it would set on every answer.
 */
export function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: unknown) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    failure = err;
  });
  if (failure) throw failure;
  return headers;
}

/**
 * Security headers on every answer, 404s included, from helmet's own rules. @fastify/helmet
 * rebuilt helmet's middleware from the options at every request (about 5 % of a checkout's CPU in
 * a profile); the answer is the same every time, so it is built once per variant here.
 */
export function registerSecurityHeaders(app: FastifyInstance, options: HelmetOptions): void {
  const all = helmetHeaders(options);
  const noCsp = helmetHeaders({ ...options, contentSecurityPolicy: false });
  app.addHook('onRequest', (req, reply, done) => {
    reply.headers(req.routeOptions.config?.securityHeaders === 'no-csp' ? noCsp : all);
    done();
  });
}
