import type { FastifyPluginAsync } from 'fastify';
import { catalogRoutes } from './catalog/catalog.routes.js';
import { identityRoutes } from './identity/identity.routes.js';

/** Every module's HTTP routes, mounted under /api/v1. Add a module here. */
export const apiModules: FastifyPluginAsync[] = [identityRoutes, catalogRoutes];
