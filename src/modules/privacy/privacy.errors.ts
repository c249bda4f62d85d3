import { defineErrors } from '../../shared/errors.js';

export const PrivacyErrors = defineErrors({
  BUSINESS_NOT_FOUND: {
    status: 404,
    es: 'No existe ese negocio.',
    en: 'No such business.',
  },
  PRIVACY_REQUEST_NOT_FOUND: {
    status: 404,
    es: 'No existe esa solicitud de derechos ARCO.',
    en: 'No such ARCO request.',
  },
  PRIVACY_REQUEST_RESOLVED: {
    status: 409,
    es: 'Esta solicitud ya se resolvió ({status}).',
    en: 'This request was already resolved ({status}).',
  },
  PRIVACY_REFUSAL_REASON_REQUIRED: {
    status: 422,
    es: 'Para negar una solicitud ARCO escribe el motivo: la ley pide comunicarlo al titular.',
    en: 'A refused ARCO request needs the reason: the law requires telling the person.',
  },
  PRIVACY_RECEIVED_IN_FUTURE: {
    status: 422,
    es: 'La fecha de recepción ({receivedAt}) no puede ser futura.',
    en: 'The date received ({receivedAt}) cannot be in the future.',
  },
  PRIVACY_ERASE_REQUIRED: {
    status: 409,
    es: 'Una solicitud de cancelación se atiende eliminando los datos del cliente (botón «Eliminar sus datos»), o se niega con su motivo.',
    en: "A cancellation request is fulfilled by erasing the customer's data (POST /customers/{customerId}/erase with requestId), or refused with a reason.",
  },
  PRIVACY_REQUEST_MISMATCH: {
    status: 422,
    es: 'La solicitud {requestId} no es una cancelación abierta de este cliente.',
    en: 'Request {requestId} is not an open cancellation request of this customer.',
  },
  PRIVACY_ERASE_OPEN_ORDERS: {
    status: 409,
    es: 'El cliente tiene pedidos en curso ({orders}): entrégalos o cancélalos antes de eliminar sus datos.',
    en: 'The customer has orders in progress ({orders}): deliver or cancel them before erasing their data.',
  },
  PRIVACY_ERASE_STORE_CREDIT: {
    status: 409,
    es: 'El cliente tiene saldo a favor de {balance}: úsalo o devuélvelo antes de eliminar sus datos.',
    en: 'The customer has {balance} of store credit: use or refund it before erasing their data.',
  },
  PRIVACY_ERASE_ACCOUNT_BALANCE: {
    status: 409,
    es: 'El cliente debe {balance:money} en su cuenta (fiado): mientras exista la deuda se conservan sus datos.',
    en: 'The customer owes {balance:money} on account: their data is kept while the debt exists.',
  },
  PRIVACY_ERASE_UNPAID_INVOICES: {
    status: 409,
    es: 'El cliente tiene facturas a crédito con saldo pendiente ({invoices}): mientras exista la deuda se conservan sus datos.',
    en: 'The customer has credit invoices with an unpaid balance ({invoices}): their data is kept while the debt exists.',
  },
});
