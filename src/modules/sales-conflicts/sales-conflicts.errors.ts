import { registerUniqueConstraint } from '../../db/errors.js';
import { defineErrors } from '../../shared/errors.js';

export const SaleConflictsErrors = defineErrors({
  SALE_CONFLICT_NOT_FOUND: {
    status: 404,
    es: 'No existe esa venta con problema.',
    en: 'No such sale conflict.',
  },
  SALE_CONFLICT_RESOLVED: {
    status: 409,
    es: 'Esa venta con problema ya se resolvió ({status:label}).',
    en: 'That sale conflict was already resolved ({status}).',
  },
  SALE_CONFLICT_DUPLICATE: {
    status: 409,
    es: 'Esa venta ya está registrada como venta con problema.',
    en: 'That sale is already recorded as a conflict.',
  },
});

registerUniqueConstraint('sale_conflicts_sale_key', 'SALE_CONFLICT_DUPLICATE');
