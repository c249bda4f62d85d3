import { describe, expect, it } from 'vitest';
import '../modules/sales/sales.errors.js';
import '../modules/orders/orders.errors.js';
import '../modules/cash/cash.errors.js';
import { messageFor } from './errors.js';

describe('Spanish messages name values in Spanish', () => {
  it('reads {name:label} as the Spanish word and {name:money} as pesos, keeps {name} and the details as they are', () => {
    expect(messageFor('CUSTOMER_REQUIRED', 'es', { method: 'store_credit' })).toBe(
      'Para pagar con saldo a favor la venta necesita un cliente.',
    );
    expect(messageFor('ORDER_SKU_NOT_SELLABLE', 'es', { sku: 'LE-0001', channel: 'counter' })).toBe(
      'El producto LE-0001 no está a la venta en el canal mostrador.',
    );
    // English keeps the API's value; an unknown value is shown as it is
    expect(messageFor('ORDER_SKU_NOT_SELLABLE', 'en', { sku: 'LE-0001', channel: 'counter' })).toContain(
      'counter',
    );
    expect(
      messageFor('CASH_OUT_EXCEEDS_DRAWER', 'es', { expectedCash: '1234.5', amount: '15000.00' }),
    ).toMatch(/^En la caja debería haber \$1,234\.50 en efectivo: no se pueden retirar \$15,000\.00\./);
    expect(messageFor('CUSTOMER_REQUIRED', 'es', { method: 'bitcoin' })).toBe(
      'Para pagar con bitcoin la venta necesita un cliente.',
    );
  });
});
