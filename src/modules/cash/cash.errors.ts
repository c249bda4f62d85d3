import { registerUniqueConstraint } from '../../db/errors.js';
import { defineErrors } from '../../shared/errors.js';

export const CashErrors = defineErrors({
  REGISTER_NOT_FOUND: { status: 404, es: 'No existe esa caja.', en: 'No such register.' },
  REGISTER_DUPLICATE: {
    status: 409,
    es: 'Ya hay una caja con ese nombre en esta sucursal.',
    en: 'A register with this name exists at this location.',
  },
  CASH_SESSION_NOT_FOUND: { status: 404, es: 'No existe ese turno de caja.', en: 'No such cash session.' },
  CASH_SESSION_ALREADY_OPEN: {
    status: 409,
    es: 'Esta caja ya tiene un turno abierto; ciérralo (corte Z) antes de abrir otro.',
    en: 'This register already has an open cash session; close it (corte Z) first.',
  },
  CASH_SESSION_CLOSED: {
    status: 409,
    es: 'El turno de caja ya está cerrado.',
    en: 'The cash session is already closed.',
  },
  CASH_SESSION_REQUIRED: {
    status: 409,
    es: 'Abre un turno en esta caja antes de cobrar.',
    en: 'Open a cash session on this register first.',
  },
  DENOMINATIONS_MISMATCH: {
    status: 422,
    es: 'El conteo por denominación suma {counted}, pero el efectivo contado es {countedCash}.',
    en: 'The count by denomination adds up to {counted}, not the counted cash {countedCash}.',
  },
});

registerUniqueConstraint('registers_name_key', 'REGISTER_DUPLICATE');
registerUniqueConstraint('cash_sessions_one_open', 'CASH_SESSION_ALREADY_OPEN');
