import { D, type DecimalLike, formatPesos } from '@server/shared/money.js';
import { getLocale } from './i18n';

export const DEFAULT_TIMEZONE = 'America/Mexico_City';
let businessZone = DEFAULT_TIMEZONE;

/** The business's time zone: dates and times on screen are shown in it, not the browser's. */
export function setBusinessTimeZone(zone: string | null | undefined): void {
  businessZone = zone || DEFAULT_TIMEZONE;
}

export function businessTimeZone(): string {
  return businessZone;
}

/** `$1,299.00` from a decimal string; never goes through a float. */
export function formatMoney(value: DecimalLike | null | undefined): string {
  if (value === null || value === undefined || value === '') return '$0.00';
  return formatPesos(value);
}

/** An amount taken away on a corte: `-$150.00`, but `$0.00` when nothing was (never `-$0.00`). */
export function formatDeduction(value: DecimalLike): string {
  return new D(value).isZero() ? formatMoney(value) : `-${formatMoney(value)}`;
}

/** `2`, `1.5`, `0.750 kg`: weights keep three decimals, pieces drop trailing zeros. */
export function formatQuantity(value: DecimalLike, byWeight = false): string {
  const d = new D(value);
  if (byWeight) return `${d.toFixed(3)} kg`;
  return d.isInteger() ? d.toFixed(0) : d.toFixed(3).replace(/0+$/, '').replace(/\.$/, '');
}

/** `23/11/2026` in the business's zone. */
export function formatDate(at: string | Date): string {
  const d = typeof at === 'string' ? new Date(at) : at;
  return new Intl.DateTimeFormat('es-MX', {
    timeZone: businessZone,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(d);
}

/** `14:05` in the business's zone (24 h, as shops in Mexico print tickets). */
export function formatTime(at: string | Date): string {
  const d = typeof at === 'string' ? new Date(at) : at;
  return new Intl.DateTimeFormat(getLocale() === 'en' ? 'en-US' : 'es-MX', {
    timeZone: businessZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(d);
}

export function formatDateTime(at: string | Date): string {
  return `${formatDate(at)} ${formatTime(at)}`;
}

/** Today's calendar date (YYYY-MM-DD) in the business's zone. */
export function businessToday(now = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: businessZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/**
 * Reads what the cashier typed as money: `1,299.5`, `$1299.50`, `1299,50` (decimal comma).
 * Returns a normalised `"1299.50"` or null when it is not an amount.
 */
export function parseMoneyInput(raw: string): string | null {
  let s = raw.trim().replace(/[$\s]/g, '');
  if (s === '') return null;
  if (/^\d+,\d{1,2}$/.test(s)) s = s.replace(',', '.');
  else s = s.replace(/,/g, '');
  if (!/^\d{1,10}(\.\d{0,2})?$/.test(s)) return null;
  return new D(s).toFixed(2);
}

/** Reads a quantity (`3`, `0.75`, `0,750`); up to three decimals. */
export function parseQuantityInput(raw: string): string | null {
  let s = raw.trim().replace(/\s/g, '');
  if (/^\d+,\d{1,3}$/.test(s)) s = s.replace(',', '.');
  if (!/^\d{1,7}(\.\d{0,3})?$/.test(s)) return null;
  const d = new D(s);
  if (d.lte(0)) return null;
  return d.toFixed(3);
}

/**
 * A Mexican number as people write it: `+52 55 1234 5678` for Mexico City, Guadalajara and
 * Monterrey (two-digit area codes), `+52 999 123 4567` elsewhere; other numbers as stored (E.164).
 */
export function formatPhone(phone: string): string {
  const m = /^\+52(\d{10})$/.exec(phone);
  if (!m) return phone;
  const d = m[1]!;
  return /^(55|56|33|81)/.test(d)
    ? `+52 ${d.slice(0, 2)} ${d.slice(2, 6)} ${d.slice(6)}`
    : `+52 ${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}`;
}
