import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MANAGERS } from '../../http/access.js';
import { decodeCursor, encodeCursor, page } from '../../http/schemas.js';
import {
  zCategory,
  zProduct,
  zProductInput,
  zProductPatch,
  zSellableSku,
  zSku,
  zSkuInput,
  zSkuPatch,
} from './catalog.schemas.js';
import {
  addSku,
  createCategory,
  createProduct,
  getProduct,
  listCategories,
  listProducts,
  lookupBarcode,
  searchSkus,
  updateProduct,
  updateSku,
} from './catalog.service.js';

export const catalogRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['catalog'];

  app.get(
    '/products',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'List products (cursor pagination), optionally filtered',
        querystring: z.object({
          q: z.string().max(100).optional(),
          categoryId: z.string().optional(),
          active: z.enum(['true', 'false']).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(200).optional(),
        }),
        response: { 200: page(zProduct) },
      },
    },
    async (req) => {
      const r = await listProducts(app.ctxFor(req), {
        q: req.query.q,
        categoryId: req.query.categoryId,
        active: req.query.active === undefined ? undefined : req.query.active === 'true',
        limit: req.query.limit,
        after: decodeCursor(req.query.cursor),
      });
      return { items: r.items, nextCursor: r.last ? encodeCursor(r.last) : null };
    },
  );

  app.post(
    '/products',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Create a product with its SKUs',
        body: zProductInput,
        response: { 201: zProduct },
      },
    },
    async (req, reply) => reply.status(201).send(await app.inTx(req, (ctx) => createProduct(ctx, req.body))),
  );

  app.get(
    '/products/:productId',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'One product',
        params: z.object({ productId: z.string() }),
        response: { 200: zProduct },
      },
    },
    async (req) => getProduct(app.ctxFor(req), req.params.productId),
  );

  app.patch(
    '/products/:productId',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Change product fields (taxes, SAT keys, name…)',
        params: z.object({ productId: z.string() }),
        body: zProductPatch,
        response: { 200: zProduct },
      },
    },
    async (req) => app.inTx(req, (ctx) => updateProduct(ctx, req.params.productId, req.body)),
  );

  app.post(
    '/products/:productId/skus',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Add a variant (SKU)',
        params: z.object({ productId: z.string() }),
        body: zSkuInput,
        response: { 201: zSku },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await app.inTx(req, (ctx) => addSku(ctx, req.params.productId, req.body))),
  );

  app.patch(
    '/skus/:skuId',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Change a SKU: price, cost, barcodes, channels, reorder point',
        params: z.object({ skuId: z.string() }),
        body: zSkuPatch,
        response: { 200: zSku },
      },
    },
    async (req) => app.inTx(req, (ctx) => updateSku(ctx, req.params.skuId, req.body)),
  );

  app.get(
    '/catalog/search',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Search SKUs by name, SKU or barcode (accent- and case-insensitive)',
        querystring: z.object({
          q: z.string().trim().min(1).max(100),
          limit: z.coerce.number().int().min(1).max(100).default(20),
        }),
        response: { 200: z.object({ items: z.array(zSellableSku) }) },
      },
    },
    async (req) => ({ items: await searchSkus(app.ctxFor(req), req.query) }),
  );

  app.get(
    '/catalog/barcodes/:code',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'The SKU a scanned barcode belongs to',
        params: z.object({ code: z.string().max(32) }),
        response: { 200: zSellableSku },
      },
    },
    async (req) => lookupBarcode(app.ctxFor(req), req.params.code),
  );

  app.get(
    '/categories',
    {
      config: { access: 'authenticated' },
      schema: { tags, summary: 'Categories', response: { 200: z.object({ items: z.array(zCategory) }) } },
    },
    async (req) => ({ items: await listCategories(app.ctxFor(req)) }),
  );

  app.post(
    '/categories',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Create a category',
        body: z.object({
          name: z.string().trim().min(1).max(100),
          parentId: z.string().nullable().optional(),
        }),
        response: { 201: zCategory },
      },
    },
    async (req, reply) => reply.status(201).send(await app.inTx(req, (ctx) => createCategory(ctx, req.body))),
  );
};
