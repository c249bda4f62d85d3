import { defineErrors } from '../../shared/errors.js';

export const EventsErrors = defineErrors({
  WEBHOOK_NOT_FOUND: { status: 404, es: 'No existe ese webhook.', en: 'No such webhook.' },
  WEBHOOK_DELIVERY_NOT_FOUND: {
    status: 404,
    es: 'No existe ese envío de webhook.',
    en: 'No such webhook delivery.',
  },
  WEBHOOK_INACTIVE: {
    status: 409,
    es: 'El webhook fue eliminado: ya no se reenvían sus eventos.',
    en: 'The webhook was deleted: its events are no longer sent.',
  },
});
