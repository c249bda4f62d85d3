/**
 * Business days in Mexico: Monday to Friday except the mandatory rest days of the Ley Federal
 * del Trabajo (art. 74): 1 January, the first Monday of February, the third Monday of March,
 * 1 May, 16 September, the third Monday of November, 1 October when a new President takes
 * office (2024, 2030, … every six years) and 25 December. Dates are calendar dates (YYYY-MM-DD).
 */

function utc(date: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d));
}

function ymd(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The `nth` Monday (1-based) of `month` (1–12) in `year`. */
function nthMonday(year: number, month: number, nth: number): string {
  const first = new Date(Date.UTC(year, month - 1, 1));
  const offset = (8 - first.getUTCDay()) % 7; // days from the 1st to the first Monday
  return ymd(new Date(Date.UTC(year, month - 1, 1 + offset + 7 * (nth - 1))));
}

/** The mandatory rest days of `year` (LFT art. 74), sorted. */
export function mexicanHolidays(year: number): string[] {
  const days = [
    `${year}-01-01`,
    nthMonday(year, 2, 1),
    nthMonday(year, 3, 3),
    `${year}-05-01`,
    `${year}-09-16`,
    nthMonday(year, 11, 3),
    `${year}-12-25`,
  ];
  if (year >= 2024 && (year - 2024) % 6 === 0) days.push(`${year}-10-01`);
  return days.sort();
}

/** True when `date` is a weekday that is not a mandatory rest day. */
export function isBusinessDay(date: string): boolean {
  const d = utc(date);
  const dow = d.getUTCDay();
  if (dow === 0 || dow === 6) return false;
  return !mexicanHolidays(d.getUTCFullYear()).includes(date);
}

/** The date `n` business days after `date` (the day itself does not count), e.g. a legal deadline. */
export function addBusinessDays(date: string, n: number): string {
  const d = utc(date);
  let left = n;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    if (isBusinessDay(ymd(d))) left--;
  }
  return ymd(d);
}
