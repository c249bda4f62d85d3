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
