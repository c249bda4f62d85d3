import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MANAGERS, ORDER_STAFF } from '../../http/access.js';
import { decodeCursor, encodeCursor, page, zPageQuery } from '../../http/schemas.js';
import { assertLocationAccess } from '../identity/identity.service.js';
import {
  zAdjustment,
  zAdjustmentInput,
  zIsoDate,
  zConfirmInput,
  zCount,
  zCountInput,
  zCountLinesInput,
  zCountStatus,
  zHolderType,
  zLot,
  zMovement,
  zReason,
  zReceipt,
  zReceiptInput,
  zReservation,
  zReservationStatus,
  zReserveInput,
  zStockLevel,
  zTransfer,
  zTransferInput,
  zTransferReceiveInput,
  zTransferStatus,
} from './inventory.schemas.js';
import {
  adjustStock,
  cancelTransfer,
  confirmReservation,
  createCount,
  createTransfer,
  getCount,
  getReservation,
  getStockLevels,
  getTransfer,
  listCounts,
  listLots,
  listLowStock,
  listMovements,
  listReservations,
  listTransfers,
  postCount,
  receiveStock,
  receiveTransfer,
  recordCountLines,
  releaseReservation,
  reserveStock,
  sendTransfer,
} from './inventory.service.js';

const zCsv = z
  .string()
  .max(5000)
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );
const zInstantQuery = z.iso.datetime({ offset: true, error: 'Fecha y hora inválidas: usa ISO 8601.' });

export const inventoryRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['inventory'];
  const base = '/inventory';

  app.get(
    `${base}/levels`,
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Stock levels per SKU and location: on hand, reserved, available',
        querystring: zPageQuery.extend({
          locationId: z.string().optional(),
          skuIds: zCsv.optional(),
          /** name, SKU or barcode contains it: "cafe" finds "Café" */
          q: z.string().trim().min(1).max(100).optional(),
        }),
        response: { 200: page(zStockLevel) },
      },
    },
    async (req) => {
      const ctx = app.ctxFor(req);
      if (req.query.locationId) assertLocationAccess(ctx, req.query.locationId);
      const items = await getStockLevels(ctx, {
        locationId: req.query.locationId,
        skuIds: req.query.skuIds,
        q: req.query.q,
        limit: req.query.limit + 1,
        after: decodeCursor(req.query.cursor),
      });
      const pageItems = items.slice(0, req.query.limit);
      const last = pageItems.at(-1);
      return {
        items: pageItems,
        nextCursor:
          items.length > req.query.limit && last ? encodeCursor(`${last.skuId}|${last.locationId}`) : null,
      };
    },
  );

  app.get(
    `${base}/low-stock`,
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Levels at or below their reorder point',
        querystring: z.object({ locationId: z.string().optional() }),
        response: { 200: z.object({ items: z.array(zStockLevel) }) },
      },
    },
    async (req) => {
      const ctx = app.ctxFor(req);
      if (req.query.locationId) assertLocationAccess(ctx, req.query.locationId);
      return { items: await listLowStock(ctx, { locationId: req.query.locationId }) };
    },
  );

  app.get(
    `${base}/movements`,
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'The stock ledger, newest first',
        querystring: zPageQuery.extend({
          skuId: z.string().optional(),
          locationId: z.string().optional(),
          reason: zReason.optional(),
          refType: z.string().optional(),
          refId: z.string().optional(),
          from: zInstantQuery.optional(),
          to: zInstantQuery.optional(),
        }),
        response: { 200: page(zMovement) },
      },
    },
    async (req) => {
      const ctx = app.ctxFor(req);
      if (req.query.locationId) assertLocationAccess(ctx, req.query.locationId);
      return listMovements(ctx, req.query);
    },
  );

  app.get(
    `${base}/lots`,
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Lots with stock, first to expire first',
        querystring: z.object({
          skuId: z.string().optional(),
          locationId: z.string().optional(),
          /** only lots that expire on or before this day (AAAA-MM-DD): what to sell or pull first */
          expiresBy: zIsoDate.optional(),
        }),
        response: { 200: z.object({ items: z.array(zLot) }) },
      },
    },
    async (req) => {
      const ctx = app.ctxFor(req);
      if (req.query.locationId) assertLocationAccess(ctx, req.query.locationId);
      return { items: await listLots(ctx, req.query) };
    },
  );

  app.post(
    `${base}/receipts`,
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Receive merchandise at a location (with lots and unit costs)',
        body: zReceiptInput,
        response: { 201: zReceipt },
      },
    },
    async (req, reply) => {
      const r = await app.inTx(req, (ctx) => {
        assertLocationAccess(ctx, req.body.locationId);
        return receiveStock(ctx, req.body);
      });
      return reply.status(201).send(r);
    },
  );

  app.post(
    `${base}/adjustments`,
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Correct a SKU by a signed quantity or to a counted quantity; write-offs',
        body: zAdjustmentInput,
        response: { 201: zAdjustment },
      },
    },
    async (req, reply) => {
      const r = await app.inTx(req, (ctx) => {
        assertLocationAccess(ctx, req.body.locationId);
        return adjustStock(ctx, req.body);
      });
      return reply.status(201).send(r);
    },
  );

  app.get(
    `${base}/reservations`,
    {
      config: { access: ORDER_STAFF },
      schema: {
        tags,
        summary: 'Reservations, newest first (cursor pagination)',
        querystring: z.object({
          status: zReservationStatus.optional(),
          holderType: zHolderType.optional(),
          holderId: z.string().optional(),
          skuId: z.string().optional(),
          locationId: z.string().optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          cursor: z.string().max(200).optional(),
        }),
        response: { 200: page(zReservation) },
      },
    },
    async (req) => {
      const { cursor, limit, ...filters } = req.query;
      const rows = await listReservations(app.ctxFor(req), {
        ...filters,
        limit: limit + 1,
        after: decodeCursor(cursor),
      });
      const items = rows.slice(0, limit);
      return { items, nextCursor: rows.length > limit ? encodeCursor(items.at(-1)!.id) : null };
    },
  );

  app.post(
    `${base}/reservations`,
    {
      config: { access: ORDER_STAFF },
      schema: {
        tags,
        summary: 'Hold stock for an order or a cart until it expires',
        body: zReserveInput,
        response: { 201: zReservation },
      },
    },
    async (req, reply) => {
      const r = await app.inTx(req, (ctx) => {
        assertLocationAccess(ctx, req.body.locationId);
        return reserveStock(ctx, req.body);
      });
      return reply.status(201).send(r);
    },
  );

  app.post(
    `${base}/reservations/:reservationId/confirm`,
    {
      config: { access: ORDER_STAFF },
      schema: {
        tags,
        summary: 'Turn a reservation into a sale decrement',
        params: z.object({ reservationId: z.string() }),
        body: zConfirmInput,
        response: { 200: zReservation },
      },
    },
    async (req) =>
      app.inTx(req, async (ctx) => {
        assertLocationAccess(ctx, (await getReservation(ctx, req.params.reservationId)).locationId);
        return confirmReservation(ctx, { reservationId: req.params.reservationId, ...req.body });
      }),
  );

  app.post(
    `${base}/reservations/:reservationId/release`,
    {
      config: { access: ORDER_STAFF },
      schema: {
        tags,
        summary: 'Give a reservation’s stock back',
        params: z.object({ reservationId: z.string() }),
        response: { 200: zReservation },
      },
    },
    async (req) =>
      app.inTx(req, async (ctx) => {
        assertLocationAccess(ctx, (await getReservation(ctx, req.params.reservationId)).locationId);
        return releaseReservation(ctx, { reservationId: req.params.reservationId });
      }),
  );

  app.get(
    `${base}/transfers`,
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Transfers between locations, newest first',
        querystring: z.object({
          status: zTransferStatus.optional(),
          locationId: z.string().optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.object({ items: z.array(zTransfer) }) },
      },
    },
    async (req) => ({ items: await listTransfers(app.ctxFor(req), req.query) }),
  );

  app.post(
    `${base}/transfers`,
    {
      config: { access: MANAGERS },
      schema: { tags, summary: 'A draft transfer', body: zTransferInput, response: { 201: zTransfer } },
    },
    async (req, reply) => {
      const t = await app.inTx(req, (ctx) => {
        assertLocationAccess(ctx, req.body.fromLocationId);
        return createTransfer(ctx, req.body);
      });
      return reply.status(201).send(t);
    },
  );

  app.get(
    `${base}/transfers/:transferId`,
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'One transfer with its lines and differences',
        params: z.object({ transferId: z.string() }),
        response: { 200: zTransfer },
      },
    },
    async (req) => getTransfer(app.ctxFor(req), req.params.transferId),
  );

  app.post(
    `${base}/transfers/:transferId/send`,
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Ship a draft transfer (stock leaves the origin)',
        params: z.object({ transferId: z.string() }),
        response: { 200: zTransfer },
      },
    },
    async (req) =>
      app.inTx(req, async (ctx) => {
        assertLocationAccess(ctx, (await getTransfer(ctx, req.params.transferId)).fromLocationId);
        return sendTransfer(ctx, { transferId: req.params.transferId });
      }),
  );

  app.post(
    `${base}/transfers/:transferId/receive`,
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Receive a sent transfer with the quantities that arrived',
        params: z.object({ transferId: z.string() }),
        body: zTransferReceiveInput,
        response: { 200: zTransfer },
      },
    },
    async (req) =>
      app.inTx(req, async (ctx) => {
        assertLocationAccess(ctx, (await getTransfer(ctx, req.params.transferId)).toLocationId);
        return receiveTransfer(ctx, { transferId: req.params.transferId, ...req.body });
      }),
  );

  app.post(
    `${base}/transfers/:transferId/cancel`,
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Cancel a transfer that was not sent',
        params: z.object({ transferId: z.string() }),
        response: { 200: zTransfer },
      },
    },
    async (req) =>
      app.inTx(req, async (ctx) => {
        assertLocationAccess(ctx, (await getTransfer(ctx, req.params.transferId)).fromLocationId);
        return cancelTransfer(ctx, { transferId: req.params.transferId });
      }),
  );

  app.get(
    `${base}/counts`,
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Cycle counts, newest first',
        querystring: z.object({
          locationId: z.string().optional(),
          status: zCountStatus.optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.object({ items: z.array(zCount) }) },
      },
    },
    async (req) => ({ items: await listCounts(app.ctxFor(req), req.query) }),
  );

  app.post(
    `${base}/counts`,
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'A count sheet for a location (every SKU there, or the given ones)',
        body: zCountInput,
        response: { 201: zCount },
      },
    },
    async (req, reply) => {
      const c = await app.inTx(req, (ctx) => {
        assertLocationAccess(ctx, req.body.locationId);
        return createCount(ctx, req.body);
      });
      return reply.status(201).send(c);
    },
  );

  app.get(
    `${base}/counts/:countId`,
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'One count sheet',
        params: z.object({ countId: z.string() }),
        response: { 200: zCount },
      },
    },
    async (req) => getCount(app.ctxFor(req), req.params.countId),
  );

  app.post(
    `${base}/counts/:countId/lines`,
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Enter counted quantities',
        params: z.object({ countId: z.string() }),
        body: zCountLinesInput,
        response: { 200: zCount },
      },
    },
    async (req) =>
      app.inTx(req, async (ctx) => {
        assertLocationAccess(ctx, (await getCount(ctx, req.params.countId)).locationId);
        return recordCountLines(ctx, { countId: req.params.countId, lines: req.body.lines });
      }),
  );

  app.post(
    `${base}/counts/:countId/post`,
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Post the variances to the ledger and compute inventory accuracy',
        params: z.object({ countId: z.string() }),
        response: { 200: zCount },
      },
    },
    async (req) =>
      app.inTx(req, async (ctx) => {
        assertLocationAccess(ctx, (await getCount(ctx, req.params.countId)).locationId);
        return postCount(ctx, { countId: req.params.countId });
      }),
  );
};
