import { defineErrors } from '../../shared/errors.js';

export const AccountsErrors = defineErrors({
  ACCOUNT_PAYMENT_EXCEEDS_BALANCE: {
    status: 422,
    es: 'El cliente debe {balance:money}: no se puede abonar {amount:money}.',
    en: 'The customer owes {balance:money}: {amount:money} cannot be paid on the account.',
  },
  ACCOUNT_OPENING_DATE_INVALID: {
    status: 422,
    es: 'El saldo anterior debe tener una fecha de hoy o anterior, de los últimos 10 años ({since}).',
    en: 'An opening balance is dated today or earlier, within the last 10 years ({since}).',
  },
  ACCOUNT_NOTHING_OWED: {
    status: 422,
    es: 'El cliente no debe nada en su cuenta.',
    en: 'The customer owes nothing on the account.',
  },
  ACCOUNT_PAYMENT_REGISTER_REQUIRED: {
    status: 422,
    es: 'Un abono en efectivo entra a una caja: indica cuál.',
    en: 'A cash payment goes into a register: say which one.',
  },
  ACCOUNT_PAYMENT_ID_REUSED: {
    status: 409,
    es: 'Ya hay un abono registrado con el identificador {movementId} y otros datos: genera un identificador nuevo para este.',
    en: 'A payment with id {movementId} and other details is already recorded: use a new id for this one.',
  },
  ACCOUNT_CREDIT_LIMIT_EXCEEDED: {
    status: 409,
    es: 'Con esta venta el cliente debería {total:money}, más que su límite de crédito de {limit:money} (ya debe {balance:money}). Cobra una parte de otra forma o pide a un encargado que suba el límite.',
    en: 'With this sale the customer would owe {total:money}, above their credit limit of {limit:money} (they owe {balance:money}). Take part of it another way or ask a manager to raise the limit.',
  },
  REFUND_EXCEEDS_ACCOUNT_BALANCE: {
    status: 422,
    es: 'El cliente debe {balance:money} en su cuenta: no se pueden descontar {amount:money}. Devuelve el resto en efectivo o como saldo a favor.',
    en: 'The customer owes {balance:money} on the account: {amount:money} cannot be taken off it. Refund the rest in cash or as store credit.',
  },
});
