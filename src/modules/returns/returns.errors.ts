import { defineErrors } from '../../shared/errors.js';

export const ReturnsErrors = defineErrors({
  RETURN_NOT_FOUND: { status: 404, es: 'No existe esa devolución.', en: 'No such return.' },
  RETURN_DUPLICATE: {
    status: 409,
    es: 'Ya se registró una devolución con ese folio.',
    en: 'A return with this id was already recorded.',
  },
  REFUND_CUSTOMER_REQUIRED: {
    status: 422,
    es: 'Para reembolsar como saldo a favor o descontarlo de su cuenta, la venta (o la devolución) necesita un cliente.',
    en: 'A store credit or account refund needs a customer on the sale or the return.',
  },
  REFUND_REGISTER_REQUIRED: {
    status: 422,
    es: 'Indica de qué caja sale el efectivo del reembolso.',
    en: 'Say which register pays the cash refund.',
  },
});
