/**
 * FormaPago and MetodoPago of tickets, from how they were paid (payments-mx.md). Pure: the back
 * office imports it to show what an invoice will say before it is issued.
 */
import { D, type Dec } from '../../shared/money.js';

export interface TenderLike {
  method: string;
  amount: string;
  details: { cardType?: unknown } & Record<string, unknown>;
}

/**
 * c_FormaPago of one tender: SPEI, CoDi and DiMo are all transfers (03), a cheque is 02; on
 * account (and anything unknown) is 99, por definir.
 */
export function formaPagoOfPayment(p: Pick<TenderLike, 'method' | 'details'>): string {
  switch (p.method) {
    case 'cash':
      return '01';
    case 'card':
      return p.details.cardType === 'debito' ? '28' : '04';
    case 'spei':
    case 'codi':
    case 'dimo':
      return '03';
    case 'cheque':
      return '02';
    case 'voucher':
      return '08';
    case 'store_credit':
      return '30';
    default:
      return '99';
  }
}

/**
 * FormaPago and MetodoPago of tickets: the form that settled the largest amount (cash net of
 * change), PUE; anything left on account makes it PPD with 99 (SAT: PPD requires 99).
 */
export function paymentTermsOf(sales: { payments: TenderLike[] }[]): {
  formaPago: string;
  metodoPago: 'PUE' | 'PPD';
} {
  const byForma = new Map<string, Dec>();
  for (const s of sales) {
    for (const p of s.payments) {
      const f = formaPagoOfPayment(p);
      byForma.set(f, (byForma.get(f) ?? new D(0)).plus(p.amount));
    }
  }
  if ((byForma.get('99') ?? new D(0)).gt(0)) return { formaPago: '99', metodoPago: 'PPD' };
  let best = '01';
  let max = new D(-1);
  for (const [f, amount] of byForma) {
    if (amount.gt(max)) {
      max = amount;
      best = f;
    }
  }
  return { formaPago: best, metodoPago: 'PUE' };
}
