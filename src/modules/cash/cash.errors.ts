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
  CASH_OUT_EXCEEDS_DRAWER: {
    status: 409,
    es: 'En la caja debería haber {expectedCash:money} en efectivo: no se pueden retirar {amount:money}. Si hay más efectivo del esperado, registra primero una entrada con su motivo.',
    en: 'The drawer should hold {expectedCash:money} in cash: {amount:money} cannot be taken out. If there is more cash than expected, record a cash-in with its reason first.',
  },
  CASH_REFUND_EXCEEDS_DRAWER: {
    status: 409,
    es: 'En la caja debería haber {expectedCash:money} en efectivo: no alcanza para devolver {amount:money}. Devuelve a la tarjeta o como saldo a favor.',
    en: 'The drawer should hold {expectedCash:money} in cash, not enough to refund {amount:money}. Refund to the card or as store credit.',
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
  CASH_SESSION_ID_REUSED: {
    status: 422,
    es: 'El turno {cashSessionId} ya se abrió con otros datos (caja, fondo u hora); no se puede volver a abrir con estos.',
    en: 'Cash session {cashSessionId} was already opened with other data (register, float or time).',
  },
  CASH_SESSION_OPENED_AT_OUT_OF_RANGE: {
    status: 422,
    es: 'La hora de apertura ({openedAt}) debe estar entre {earliest} y {latest}: revisa el reloj de la caja.',
    en: 'The opening time ({openedAt}) must be between {earliest} and {latest}: check the terminal clock.',
  },
  CASH_SESSION_CLOSED_AT_OUT_OF_RANGE: {
    status: 422,
    es: 'La hora del corte ({closedAt}) debe estar entre {earliest} y {latest}: revisa el reloj de la caja.',
    en: 'The closing time ({closedAt}) must be between {earliest} and {latest}: check the terminal clock.',
  },
  CASH_SESSION_MERGED: {
    status: 409,
    es: 'Este turno se abrió sin conexión cuando la caja ya tenía otro turno abierto; sus ventas quedaron en el turno {mergedInto}.',
    en: 'This session was opened offline while the register had another open session; its sales went to session {mergedInto}.',
  },
  CASH_MOVEMENT_ID_REUSED: {
    status: 422,
    es: 'El movimiento {movementId} ya se registró con otros datos.',
    en: 'Cash movement {movementId} was already recorded with other data.',
  },
  DENOMINATIONS_MISMATCH: {
    status: 422,
    es: 'El conteo por denominación suma {counted}, pero el efectivo contado es {countedCash}.',
    en: 'The count by denomination adds up to {counted}, not the counted cash {countedCash}.',
  },
});

registerUniqueConstraint('registers_name_key', 'REGISTER_DUPLICATE');
registerUniqueConstraint('cash_sessions_one_open', 'CASH_SESSION_ALREADY_OPEN');
