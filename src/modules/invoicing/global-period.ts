// The period of a global invoice (factura global a «Público en general»), shared by the server
// and the back office, which shows the period before it is issued: plain date arithmetic on
// business dates (YYYY-MM-DD), no time zone, no server dependencies.

export type Periodicidad = '01' | '02' | '03' | '04' | '05';

/** The [from, to] business dates and SAT's Meses/Año of the period containing `date`. */
export function globalPeriod(
  periodicidad: Periodicidad,
  date: string,
): { from: string; to: string; meses: string; año: string } {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const pad = (n: number) => String(n).padStart(2, '0');
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const ym = `${y}-${pad(m)}`;
  const meses = pad(m);
  switch (periodicidad) {
    case '01':
      return { from: date, to: date, meses, año: String(y) };
    case '02': {
      // Monday to Sunday, clipped to the month (Meses names one month).
      const dow = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
      const from = Math.max(1, d - dow);
      const to = Math.min(last, d - dow + 6);
      return { from: `${ym}-${pad(from)}`, to: `${ym}-${pad(to)}`, meses, año: String(y) };
    }
    case '03':
      return d <= 15
        ? { from: `${ym}-01`, to: `${ym}-15`, meses, año: String(y) }
        : { from: `${ym}-16`, to: `${ym}-${pad(last)}`, meses, año: String(y) };
    case '04':
      return { from: `${ym}-01`, to: `${ym}-${pad(last)}`, meses, año: String(y) };
    case '05': {
      const first = m % 2 === 1 ? m : m - 1;
      const lastDay = new Date(Date.UTC(y, first + 1, 0)).getUTCDate();
      return {
        from: `${y}-${pad(first)}-01`,
        to: `${y}-${pad(first + 1)}-${pad(lastDay)}`,
        meses: String(12 + (first + 1) / 2),
        año: String(y),
      };
    }
  }
}
