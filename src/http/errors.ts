import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { translateDbError } from '../db/errors.js';
import { AppError, defineErrors, localeFrom, messageFor } from '../shared/errors.js';

export const HttpErrors = defineErrors({
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    es: 'Envía el cuerpo como application/json.',
    en: 'Send the body as application/json.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    es: 'El archivo o cuerpo es demasiado grande.',
    en: 'The body is too large.',
  },
  CROSS_SITE_REQUEST: {
    status: 403,
    es: 'Por seguridad, este cambio solo se acepta desde la propia página de Mostrador.',
    en: "For safety, this change is only accepted from Mostrador's own pages (a request from another site carried the session cookie).",
  },
});

export interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

export function errorBody(
  req: FastifyRequest,
  code: string,
  details: Record<string, unknown> = {},
): ErrorBody {
  return {
    error: { code, message: messageFor(code, localeFrom(req.headers['accept-language']), details), details },
  };
}

interface ZodIssueLike {
  instancePath?: string;
  message?: string;
  params?: { issue?: { path?: PropertyKey[]; code?: string; message?: string } };
}

/** One place turns every failure into `{ error: { code, message, details } }`. */
export function handleError(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issues = (err.validation as unknown as ZodIssueLike[]).map((v) => {
      const issue = v.params?.issue;
      const path = issue?.path
        ? issue.path.map(String).join('.')
        : (v.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
      return {
        path: [err.validationContext, path].filter(Boolean).join('.'),
        message: issue?.message ?? v.message,
      };
    });
    reply.status(400).send(errorBody(req, 'VALIDATION_FAILED', { issues }));
    return;
  }
  if (isResponseSerializationError(err)) {
    req.log.error({ err, issues: err.cause?.issues }, 'response does not match its schema');
    reply.status(500).send(errorBody(req, 'INTERNAL', { requestId: req.id }));
    return;
  }
  const translated = translateDbError(err);
  if (translated instanceof AppError) {
    if (translated.status >= 500) req.log.error({ err }, translated.code);
    reply.status(translated.status).send(errorBody(req, translated.code, translated.details));
    return;
  }
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    reply.status(415).send(errorBody(req, 'UNSUPPORTED_MEDIA_TYPE'));
    return;
  }
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    reply.status(413).send(errorBody(req, 'PAYLOAD_TOO_LARGE'));
    return;
  }
  if (err.statusCode === 400) {
    reply.status(400).send(errorBody(req, 'MALFORMED_JSON', { reason: err.message }));
    return;
  }
  if (err.statusCode === 429) {
    reply.status(429).send(errorBody(req, 'RATE_LIMITED'));
    return;
  }
  req.log.error({ err }, 'unhandled error');
  reply.status(500).send(errorBody(req, 'INTERNAL', { requestId: req.id }));
}
