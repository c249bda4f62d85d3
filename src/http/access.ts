import type { FastifyRequest } from 'fastify';
import type { Role } from '../modules/identity/identity.tables.js';

/**
 * Who may call a route. Every route declares it in `config.access`; a route without one
 * fails at startup.
 * - `public`: anyone (login, health, docs, webhooks verified by signature)
 * - `authenticated`: any signed-in user of the business
 * - a list of roles
 */
export type Access = 'public' | 'authenticated' | readonly Role[];

export const OWNER: readonly Role[] = ['owner'];
export const MANAGERS: readonly Role[] = ['owner', 'manager'];
export const SELLERS: readonly Role[] = ['owner', 'manager', 'cashier'];
export const ORDER_STAFF: readonly Role[] = ['owner', 'manager', 'cashier', 'agent'];
export const STAFF: readonly Role[] = ['owner', 'manager', 'cashier', 'agent', 'kitchen'];

export interface Principal {
  tenantId: string;
  userId: string;
  role: Role;
  locationIds: string[] | null;
  via: 'session' | 'token';
  credentialId: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export function allows(access: Access, principal: Principal | null): 'ok' | 'unauthenticated' | 'forbidden' {
  if (access === 'public') return 'ok';
  if (!principal) return 'unauthenticated';
  if (access === 'authenticated') return 'ok';
  return access.includes(principal.role) ? 'ok' : 'forbidden';
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * True when a request that authenticates with the session cookie, and changes something, comes
 * from another site: the browser's Sec-Fetch-Site says so, or, from a browser that does not send
 * it, an Origin whose host is not this server's. The cookie is SameSite=Lax, which already keeps
 * it off cross-site POSTs; this also covers sibling subdomains ("same-site") and old browsers.
 * API tokens travel in a header no other site can set: they are not checked.
 */
export function isCrossSiteWrite(req: FastifyRequest): boolean {
  if (SAFE_METHODS.has(req.method)) return false;
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string') return site !== 'same-origin' && site !== 'none';
  const origin = req.headers.origin;
  if (!origin) return false;
  try {
    const host = new URL(origin).host;
    const forwarded = req.headers['x-forwarded-host'];
    return host !== req.headers.host && host !== (Array.isArray(forwarded) ? forwarded[0] : forwarded);
  } catch {
    return true; // "null" or garbage: a sandboxed or opaque origin
  }
}
