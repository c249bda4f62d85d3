import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listAuditLog } from '../events/events.service.js';
import { MANAGERS, OWNER } from '../../http/access.js';
import { zOk } from '../../http/schemas.js';
import {
  zApiToken,
  zCreateUserBody,
  zLocation,
  zLoginBody,
  zUpdateUserBody,
  zUser,
} from './identity.schemas.js';
import {
  createApiToken,
  createLocation,
  createUser,
  getBusiness,
  getUser,
  listApiTokens,
  listLocations,
  listUsers,
  login,
  logout,
  revokeApiToken,
  SESSION_COOKIE,
  updateBusiness,
  updateUser,
  changeOwnPassword,
} from './identity.service.js';
import { createFirstBusiness, setupNeeded, zSetupInput } from './setup.js';

export const identityRoutes: FastifyPluginAsyncZod = async (app) => {
  const setSessionCookie = (reply: FastifyReply, r: { token: string; expiresAt: Date }) =>
    reply.setCookie(SESSION_COOKIE, r.token, {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure: app.secureCookies,
      expires: r.expiresAt,
    });
  app.post(
    '/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with e-mail and password; sets an HTTP-only session cookie',
        body: zLoginBody,
        response: { 200: z.object({ user: zUser, expiresAt: z.string() }) },
      },
    },
    async (req, reply) => {
      const r = await login(app.database.db, req.body, { now: app.now(), ttlSeconds: app.sessionTtlSeconds });
      setSessionCookie(reply, r);
      return { user: r.user, expiresAt: r.expiresAt.toISOString() };
    },
  );

  app.get(
    '/setup',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Whether this installation still needs its first business (the /bienvenida page)',
        response: { 200: z.object({ needed: z.boolean() }) },
      },
    },
    async () => ({ needed: await setupNeeded(app.database.db) }),
  );

  app.post(
    '/setup',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary:
          'Create the first business and its owner, with the setup code the start printed; signs the owner in',
        description:
          'Only while the database has no business (else SETUP_DONE) and with the code shown on the server console (SETUP_TOKEN_INVALID).',
        body: zSetupInput,
        response: { 201: z.object({ user: zUser, expiresAt: z.string() }) },
      },
    },
    async (req, reply) => {
      await createFirstBusiness(app.database.db, req.body, app.now());
      const r = await login(
        app.database.db,
        { email: req.body.ownerEmail, password: req.body.ownerPassword },
        { now: app.now(), ttlSeconds: app.sessionTtlSeconds },
      );
      setSessionCookie(reply, r);
      return reply.status(201).send({ user: r.user, expiresAt: r.expiresAt.toISOString() });
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['auth'], summary: 'Sign out', response: { 200: zOk } },
    },
    async (req, reply) => {
      const cookie = req.cookies[SESSION_COOKIE];
      if (cookie) await logout(app.database.db, cookie, app.now());
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true as const };
    },
  );

  app.post(
    '/auth/password',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'Change your own password; your other web sessions end, this one stays',
        body: z.object({
          currentPassword: z.string().min(1, 'Escribe tu contraseña actual.').max(200),
          newPassword: z.string().max(200),
        }),
        response: { 200: zOk },
      },
    },
    async (req) => {
      const p = req.principal!;
      await changeOwnPassword(app.database.db, app.ctxFor(req), {
        ...req.body,
        keepSessionId: p.via === 'session' ? p.credentialId : null,
      });
      return { ok: true as const };
    },
  );

  app.get(
    '/auth/me',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['auth'], summary: 'Who is signed in', response: { 200: z.object({ user: zUser }) } },
    },
    async (req) => ({ user: await getUser(app.ctxFor(req), req.principal!.userId) }),
  );

  app.get(
    '/users',
    {
      config: { access: MANAGERS },
      schema: {
        tags: ['users'],
        summary: 'List users',
        response: { 200: z.object({ items: z.array(zUser) }) },
      },
    },
    async (req) => ({ items: await listUsers(app.ctxFor(req)) }),
  );

  app.post(
    '/users',
    {
      config: { access: OWNER },
      schema: { tags: ['users'], summary: 'Create a user', body: zCreateUserBody, response: { 201: zUser } },
    },
    async (req, reply) => {
      const user = await app.inTx(req, (ctx) => createUser(ctx, req.body));
      return reply.status(201).send(user);
    },
  );

  app.patch(
    '/users/:userId',
    {
      config: { access: OWNER },
      schema: {
        tags: ['users'],
        summary: 'Change a user (role, password, locations, active)',
        params: z.object({ userId: z.string() }),
        body: zUpdateUserBody,
        response: { 200: zUser },
      },
    },
    async (req) => app.inTx(req, (ctx) => updateUser(ctx, req.params.userId, req.body)),
  );

  app.get(
    '/api-tokens',
    {
      config: { access: OWNER },
      schema: {
        tags: ['auth'],
        summary: 'List API tokens',
        response: { 200: z.object({ items: z.array(zApiToken) }) },
      },
    },
    async (req) => ({ items: await listApiTokens(app.ctxFor(req)) }),
  );

  app.post(
    '/api-tokens',
    {
      config: { access: OWNER },
      schema: {
        tags: ['auth'],
        summary: 'Issue an API token; the secret is shown only in this answer',
        body: z.object({ name: z.string().trim().min(1).max(100), userId: z.string().optional() }),
        response: { 201: zApiToken.extend({ token: z.string() }) },
      },
    },
    async (req, reply) => reply.status(201).send(await app.inTx(req, (ctx) => createApiToken(ctx, req.body))),
  );

  app.delete(
    '/api-tokens/:tokenId',
    {
      config: { access: OWNER },
      schema: {
        tags: ['auth'],
        summary: 'Revoke an API token',
        params: z.object({ tokenId: z.string() }),
        response: { 200: zOk },
      },
    },
    async (req) => {
      await app.inTx(req, (ctx) => revokeApiToken(ctx, req.params.tokenId));
      return { ok: true as const };
    },
  );

  app.get(
    '/locations',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['locations'],
        summary: 'Locations this user may work in',
        response: { 200: z.object({ items: z.array(zLocation) }) },
      },
    },
    async (req) => ({ items: await listLocations(app.ctxFor(req)) }),
  );

  app.post(
    '/locations',
    {
      config: { access: OWNER },
      schema: {
        tags: ['locations'],
        summary: 'Add a store or warehouse',
        body: z.object({
          name: z.string().trim().min(1).max(120),
          kind: z.enum(['store', 'warehouse']),
          postalCode: z
            .string()
            .regex(/^\d{5}$/, 'El código postal tiene 5 dígitos.')
            .optional(),
          address: z.string().max(300).optional(),
        }),
        response: { 201: zLocation },
      },
    },
    async (req, reply) => reply.status(201).send(await app.inTx(req, (ctx) => createLocation(ctx, req.body))),
  );

  const zBusiness = z.object({
    id: z.string(),
    name: z.string(),
    legalName: z.string().nullable(),
    rfc: z.string().nullable(),
    regimenFiscal: z.string().nullable(),
    timezone: z.string(),
    receiptFooter: z.string().nullable(),
    /** The owner's own privacy notice; null while the default one is shown. */
    privacyNotice: z.string().nullable(),
    /** Years without activity after which a customer's personal data is erased; null: kept. */
    customerRetentionYears: z.number().nullable(),
  });

  app.get(
    '/business',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['business'],
        summary: 'The business: name, fiscal data, time zone, receipt footer',
        response: { 200: zBusiness },
      },
    },
    async (req) => getBusiness(app.ctxFor(req)),
  );

  app.patch(
    '/business',
    {
      config: { access: OWNER },
      schema: {
        tags: ['business'],
        summary: 'Change the business name, fiscal data, time zone, receipt footer or privacy notice',
        body: z.object({
          name: z.string().trim().min(1).max(200).optional(),
          legalName: z.string().trim().max(300).nullable().optional(),
          rfc: z.string().trim().max(13).nullable().optional(),
          regimenFiscal: z
            .string()
            .regex(/^\d{3}$/, 'El régimen fiscal es una clave de 3 dígitos, p. ej. 612.')
            .nullable()
            .optional(),
          timezone: z.string().max(60).optional(),
          receiptFooter: z.string().max(500).nullable().optional(),
          privacyNotice: z.string().max(20_000).nullable().optional(),
          customerRetentionYears: z
            .number({ error: 'Indica los años como número entero, de 1 a 20, o null para conservarlos.' })
            .int('Indica los años como número entero, de 1 a 20.')
            .min(1, 'Al menos 1 año.')
            .max(20, 'Como máximo 20 años.')
            .nullable()
            .optional(),
        }),
        response: { 200: zBusiness },
      },
    },
    async (req) => app.inTx(req, (ctx) => updateBusiness(ctx, req.body)),
  );

  app.get(
    '/audit-log',
    {
      config: { access: OWNER },
      schema: {
        tags: ['audit'],
        summary: 'The append-only audit log, newest first, filtered (page with `before`)',
        description:
          '`actions`: comma-separated actions (`sale.completed`) or prefixes ending in a dot (`cash.`); `from`/`to`: business dates.',
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(500).default(100),
          before: z.coerce.number().int().optional(),
          actions: z
            .string()
            .max(500)
            .regex(/^[a-z_.]+(,[a-z_.]+)*$/, 'Acciones separadas por comas, p. ej. cash.,sale.completed')
            .optional(),
          userId: z.string().max(64).optional(),
          entityId: z.string().max(64).optional(),
          from: z.iso.date('Fecha inválida: usa AAAA-MM-DD.').optional(),
          to: z.iso.date('Fecha inválida: usa AAAA-MM-DD.').optional(),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.number(),
                userId: z.string().nullable(),
                action: z.string(),
                entityType: z.string(),
                entityId: z.string(),
                data: z.record(z.string(), z.unknown()),
                createdAt: z.string(),
              }),
            ),
            nextBefore: z.number().nullable(),
          }),
        },
      },
    },
    async (req) => listAuditLog(app.ctxFor(req), { ...req.query, actions: req.query.actions?.split(',') }),
  );
};
