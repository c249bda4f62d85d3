export const DEFAULT_TIMEZONE = 'America/Mexico_City';

/** The calendar date (YYYY-MM-DD) of `at` in the business's time zone. */
export function businessDate(at: Date, timeZone: string = DEFAULT_TIMEZONE): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Offset in minutes of `timeZone` at instant `at` (e.g. -360 for Mexico City). */
function offsetMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? '0');
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((asUtc - at.getTime()) / 60000);
}

/** The instant a business day (YYYY-MM-DD) starts in the business's zone. */
export function startOfBusinessDay(date: string, timeZone: string = DEFAULT_TIMEZONE): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const guess = new Date(Date.UTC(y, m - 1, d, 0, 0, 0));
  const off = offsetMinutes(guess, timeZone);
  const candidate = new Date(guess.getTime() - off * 60000);
  const off2 = offsetMinutes(candidate, timeZone);
  return off2 === off ? candidate : new Date(guess.getTime() - off2 * 60000);
}

/** [start, end) of a business day range, both dates inclusive, as instants. */
export function businessDayRange(
  from: string,
  to: string,
  timeZone: string = DEFAULT_TIMEZONE,
): [Date, Date] {
  const start = startOfBusinessDay(from, timeZone);
  const [y, m, d] = to.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  return [start, startOfBusinessDay(next, timeZone)];
}

export function iso(at: Date): string {
  return at.toISOString();
}

/**
 * How far back what a till did without the server is taken at its own time (an offline opening,
 * corte Z or sale) and at the prices it charged: a shop offline over a long weekend day, not a
 * lost week.
 */
export const OFFLINE_MAX_AGE_MS = 48 * 3600_000;
