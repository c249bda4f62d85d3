import type { PaymentMethod } from './endpoints';
import { type MessageKey, t } from './i18n';

const KEYS: Record<PaymentMethod, MessageKey> = {
  cash: 'pay.cash',
  card: 'pay.card',
  spei: 'pay.spei',
  codi: 'pay.codi',
  dimo: 'pay.dimo',
  cheque: 'pay.cheque',
  voucher: 'pay.voucher',
  store_credit: 'pay.storeCredit',
  on_account: 'pay.onAccount',
};

/** A payment method's name in the current language; an unknown one is shown as it is. */
export function paymentMethodName(method: string): string {
  const key = KEYS[method as PaymentMethod];
  return key ? t(key) : method;
}
