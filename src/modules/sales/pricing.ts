import type { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import { allocate, D, type Dec, roundToCentavos, sum, toQuantity } from '../../shared/money.js';
import { availableOn, priceFor, type SellableSku } from '../catalog/catalog.service.js';
import { computeLine, type TaxLine } from '../catalog/tax.js';
import { SalesErrors as E } from './sales.errors.js';
import type { zPaymentInput, zSaleLineInput } from './sales.schemas.js';
import type { PaymentMethod, TaxSummary } from './sales.tables.js';

export type SaleLineInput = z.infer<typeof zSaleLineInput>;
export type PaymentInput = z.infer<typeof zPaymentInput>;

export interface PricedLine {
  lineNo: number;
  skuId: string;
  description: string;
  claveProdServ: string;
  claveUnidad: string;
  unitName: string;
  quantity: string;
  unitPrice: string;
  priceIncludesTax: boolean;
  priceOverridden: boolean;
  gross: string;
  discount: string;
  subtotal: string;
  taxTotal: string;
  total: string;
  taxes: TaxLine[];
  returnedQuantity: string;
}

export interface PricedPayment {
  paymentNo: number;
  method: PaymentMethod;
  amount: string;
  kind: 'payment' | 'change';
  reference: string | null;
  details: Record<string, string>;
}

export interface PricedSale {
  lines: PricedLine[];
  payments: PricedPayment[];
  subtotal: string;
  discountTotal: string;
  taxTotal: string;
  total: string;
  change: string;
  taxes: TaxSummary[];
  /** Store credit spent, if any. */
  storeCredit: string | null;
}

export interface PriceSaleInput {
  /** `pricedWith`: the SKU as it stood at an earlier version the till priced the line with. */
  lines: (SaleLineInput & { skuId: string; pricedWith?: SellableSku })[];
  discount?: string;
  payments: PaymentInput[];
  change?: string;
  customerId?: string;
  /** Managers may sell at another price than the list. */
  mayOverridePrice: boolean;
}

const SIX = 6;

/**
 * Prices a sale in memory: quantities, list or overridden prices, line and ticket discounts
 * (the ticket's spread with `allocate`, so parts sum exactly), taxes per line, totals and the
 * payments with the change as a negative cash line. Errors: SKU_NOT_FOUND, SKU_NOT_SELLABLE,
 * QUANTITY_NOT_INTEGER, PRICE_OVERRIDE_FORBIDDEN, DISCOUNT_EXCEEDS_PRICE, CUSTOMER_REQUIRED,
 * NON_CASH_OVERPAYMENT, CHANGE_EXCEEDS_CASH, PAYMENTS_DO_NOT_COVER_TOTAL, PAYMENTS_EXCEED_TOTAL.
 */
export function priceSale(input: PriceSaleInput, skus: Map<string, SellableSku>): PricedSale {
  const prepared = input.lines.map((l, i) => {
    const sku = l.pricedWith ?? skus.get(l.skuId);
    if (!sku) throw new AppError('SKU_NOT_FOUND', { sku: l.skuId, skuId: l.skuId, line: i + 1 });
    if (!availableOn(sku, 'counter'))
      throw new AppError(E.SKU_NOT_SELLABLE, { skuId: sku.id, description: sku.productName });
    const qty = new D(l.quantity);
    if (!sku.soldByWeight && !qty.isInteger())
      throw new AppError(E.QUANTITY_NOT_INTEGER, {
        skuId: sku.id,
        description: sku.productName,
        quantity: l.quantity,
      });
    const listPrice = priceFor(sku, 'counter');
    const overridden = l.unitPrice !== undefined && !new D(l.unitPrice).eq(listPrice);
    if (overridden && !input.mayOverridePrice)
      throw new AppError(E.PRICE_OVERRIDE_FORBIDDEN, { skuId: sku.id, listPrice });
    const unitPrice = new D(overridden ? l.unitPrice! : listPrice).toFixed(2);
    const gross = qty.times(unitPrice);
    const lineDiscount = new D(l.discount ?? '0');
    if (lineDiscount.gt(gross))
      throw new AppError(E.DISCOUNT_EXCEEDS_PRICE, { line: i + 1, discount: lineDiscount.toFixed(2) });
    return { sku, qty, unitPrice, overridden, lineDiscount, net: gross.minus(lineDiscount) };
  });

  const ticketDiscount = new D(input.discount ?? '0');
  const netSum = sum(prepared.map((p) => p.net));
  if (ticketDiscount.gt(netSum))
    throw new AppError(E.DISCOUNT_EXCEEDS_PRICE, { discount: ticketDiscount.toFixed(2) });
  const shares = ticketDiscount.isZero()
    ? prepared.map(() => '0')
    : allocate(
        ticketDiscount,
        prepared.map((p) => p.net),
      );

  const lines: PricedLine[] = prepared.map((p, i) => {
    const a = computeLine({
      quantity: p.qty.toString(),
      unitPrice: p.unitPrice,
      priceIncludesTax: p.sku.priceIncludesTax,
      iva: p.sku.iva,
      iepsType: p.sku.ieps?.type ?? 'none',
      iepsValue: p.sku.ieps?.value ?? null,
      discount: p.lineDiscount.plus(shares[i]!).toString(),
    });
    return {
      lineNo: i + 1,
      skuId: p.sku.id,
      description: p.sku.productName,
      claveProdServ: p.sku.claveProdServ,
      claveUnidad: p.sku.claveUnidad,
      unitName: p.sku.unitName,
      quantity: toQuantity(p.qty),
      unitPrice: p.unitPrice,
      priceIncludesTax: p.sku.priceIncludesTax,
      priceOverridden: p.overridden,
      gross: a.gross,
      discount: a.discount,
      subtotal: a.subtotal,
      taxTotal: a.taxTotal,
      total: a.total,
      taxes: a.taxes,
      returnedQuantity: '0.000',
    };
  });

  const total = sum(lines.map((l) => l.total));
  const subtotal = new D(roundToCentavos(sum(lines.map((l) => l.subtotal))));
  const taxes = summarizeTaxes(lines);
  const { payments, change, storeCredit } = settlePayments(input, total);
  return {
    lines,
    payments,
    subtotal: subtotal.toFixed(2),
    discountTotal: roundToCentavos(sum(lines.map((l) => l.discount))),
    // so that subtotal + taxTotal = total on the receipt
    taxTotal: total.minus(subtotal).toFixed(2),
    total: total.toFixed(2),
    change,
    taxes,
    storeCredit,
  };
}

function summarizeTaxes(lines: PricedLine[]): TaxSummary[] {
  const groups = new Map<string, { t: TaxLine; base: Dec; amount: Dec | null }>();
  for (const l of lines) {
    for (const t of l.taxes) {
      const key = `${t.tax}|${t.factor}|${t.rate}`;
      const g = groups.get(key);
      if (g) {
        g.base = g.base.plus(t.base);
        if (g.amount && t.amount) g.amount = g.amount.plus(t.amount);
      } else {
        groups.set(key, { t, base: new D(t.base), amount: t.amount === null ? null : new D(t.amount) });
      }
    }
  }
  return [...groups.values()].map((g) => ({
    tax: g.t.tax,
    factor: g.t.factor,
    rate: g.t.rate,
    base: g.base.toFixed(SIX),
    amount: g.amount === null ? null : g.amount.toFixed(SIX),
  }));
}

function settlePayments(
  input: PriceSaleInput,
  total: Dec,
): { payments: PricedPayment[]; change: string; storeCredit: string | null } {
  let cash = new D(0);
  let nonCash = new D(0);
  let credit = new D(0);
  for (const p of input.payments) {
    if ((p.method === 'store_credit' || p.method === 'on_account') && !input.customerId)
      throw new AppError(E.CUSTOMER_REQUIRED, { method: p.method });
    if (p.method === 'cash') cash = cash.plus(p.amount);
    else nonCash = nonCash.plus(p.amount);
    if (p.method === 'store_credit') credit = credit.plus(p.amount);
  }
  const fmt = (d: Dec) => d.toFixed(2);
  if (nonCash.gt(total))
    throw new AppError(E.NON_CASH_OVERPAYMENT, { nonCash: fmt(nonCash), total: fmt(total) });
  let change: Dec;
  if (input.change !== undefined) {
    change = new D(input.change);
    if (change.gt(cash)) throw new AppError(E.CHANGE_EXCEEDS_CASH, { change: fmt(change), cash: fmt(cash) });
    const paid = cash.plus(nonCash).minus(change);
    if (paid.lt(total))
      throw new AppError(E.PAYMENTS_DO_NOT_COVER_TOTAL, { paid: fmt(paid), total: fmt(total) });
    if (paid.gt(total)) throw new AppError(E.PAYMENTS_EXCEED_TOTAL, { paid: fmt(paid), total: fmt(total) });
  } else {
    const paid = cash.plus(nonCash);
    if (paid.lt(total))
      throw new AppError(E.PAYMENTS_DO_NOT_COVER_TOTAL, { paid: fmt(paid), total: fmt(total) });
    change = paid.minus(total);
  }
  const payments: PricedPayment[] = input.payments.map((p, i) => {
    const details: Record<string, string> = {};
    if (p.method === 'card') {
      if (p.cardType) details.cardType = p.cardType;
      if (p.brand) details.brand = p.brand;
      if (p.last4) details.last4 = p.last4;
      if (p.authCode) details.authCode = p.authCode;
    } else if (p.method === 'cheque' && p.bank) details.bank = p.bank;
    return {
      paymentNo: i + 1,
      method: p.method,
      amount: new D(p.amount).toFixed(2),
      kind: 'payment',
      reference: 'reference' in p ? p.reference : null,
      details,
    };
  });
  if (change.gt(0)) {
    payments.push({
      paymentNo: payments.length + 1,
      method: 'cash',
      amount: change.neg().toFixed(2),
      kind: 'change',
      reference: null,
      details: {},
    });
  }
  return { payments, change: change.toFixed(2), storeCredit: credit.isZero() ? null : credit.toFixed(2) };
}
