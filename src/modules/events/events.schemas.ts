import { z } from 'zod';

/** `sale.completed`, a prefix such as `stock.*`, or `*` for every event. */
export const zEventPattern = z
  .string()
  .max(100)
  .regex(
    /^(\*|[a-z][a-z0-9_]*(\.[a-z0-9_]+)*|[a-z][a-z0-9_]*\.\*)$/,
    'Tipo de evento inválido: usa p. ej. "sale.completed", "stock.*" o "*".',
  );

export const zWebhookInput = z.object({
  url: z
    .string()
    .max(2000)
    .url('URL inválida.')
    .refine((u) => /^https?:\/\//i.test(u), { message: 'La URL debe empezar con http:// o https://.' }),
  events: z.array(zEventPattern).min(1, 'Indica al menos un tipo de evento.').max(50),
  description: z.string().max(200).optional(),
});

export const zWebhook = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.iso.datetime(),
});

export const zWebhookCreated = zWebhook.extend({
  secret: z.string().describe('Shown only in this answer: keep it to verify X-Mostrador-Signature.'),
});

export const zDeliveryAttempt = z.object({
  attempt: z.number(),
  attemptedAt: z.iso.datetime(),
  durationMs: z.number(),
  statusCode: z.number().nullable(),
  error: z.string().nullable(),
  responseExcerpt: z.string().nullable(),
});

export const zDelivery = z.object({
  id: z.string(),
  webhookId: z.string(),
  eventId: z.number(),
  eventType: z.string(),
  status: z.enum(['pending', 'delivered', 'failed', 'dead']),
  attempts: z.number(),
  nextAttemptAt: z.iso.datetime().nullable(),
  lastStatusCode: z.number().nullable(),
  lastError: z.string().nullable(),
  responseExcerpt: z.string().nullable(),
  deliveredAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  attemptLog: z.array(zDeliveryAttempt),
});
