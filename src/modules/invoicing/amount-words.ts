import { D } from '../../shared/money.js';

const UNITS = [
  '',
  'UN',
  'DOS',
  'TRES',
  'CUATRO',
  'CINCO',
  'SEIS',
  'SIETE',
  'OCHO',
  'NUEVE',
  'DIEZ',
  'ONCE',
  'DOCE',
  'TRECE',
  'CATORCE',
  'QUINCE',
  'DIECISÉIS',
  'DIECISIETE',
  'DIECIOCHO',
  'DIECINUEVE',
  'VEINTE',
  'VEINTIÚN',
  'VEINTIDÓS',
  'VEINTITRÉS',
  'VEINTICUATRO',
  'VEINTICINCO',
  'VEINTISÉIS',
  'VEINTISIETE',
  'VEINTIOCHO',
  'VEINTINUEVE',
];
const TENS = ['', '', '', 'TREINTA', 'CUARENTA', 'CINCUENTA', 'SESENTA', 'SETENTA', 'OCHENTA', 'NOVENTA'];
const HUNDREDS = [
  '',
  'CIENTO',
  'DOSCIENTOS',
  'TRESCIENTOS',
  'CUATROCIENTOS',
  'QUINIENTOS',
  'SEISCIENTOS',
  'SETECIENTOS',
  'OCHOCIENTOS',
  'NOVECIENTOS',
];

function below1000(n: number): string {
  if (n === 100) return 'CIEN';
  const h = Math.floor(n / 100);
  const r = n % 100;
  const parts: string[] = [];
  if (h) parts.push(HUNDREDS[h]!);
  if (r < 30) {
    if (r) parts.push(UNITS[r]!);
  } else {
    const t = Math.floor(r / 10);
    const u = r % 10;
    parts.push(u ? `${TENS[t]} Y ${UNITS[u]}` : TENS[t]!);
  }
  return parts.join(' ');
}

function integerWords(n: number): string {
  if (n === 0) return 'CERO';
  const millions = Math.floor(n / 1_000_000);
  const thousands = Math.floor((n % 1_000_000) / 1000);
  const rest = n % 1000;
  const parts: string[] = [];
  if (millions) parts.push(millions === 1 ? 'UN MILLÓN' : `${integerWords(millions)} MILLONES`);
  if (thousands) parts.push(thousands === 1 ? 'MIL' : `${below1000(thousands)} MIL`);
  if (rest) parts.push(below1000(rest));
  return parts.join(' ');
}

/** `123.45` → `(CIENTO VEINTITRÉS PESOS 45/100 M.N.)`, as Mexican invoices print it. */
export function amountInWords(amount: string): string {
  const d = new D(amount).toDecimalPlaces(2, D.ROUND_HALF_UP);
  const pesos = d.floor();
  const centavos = d.minus(pesos).times(100).toFixed(0).padStart(2, '0');
  const n = pesos.toNumber(); // an integer count of pesos, not money arithmetic
  const words = integerWords(n);
  // "UN MILLÓN DE PESOS": millions take "DE" when nothing follows them.
  const de = n >= 1_000_000 && n % 1_000_000 === 0 ? ' DE' : '';
  const unit = n === 1 ? 'PESO' : 'PESOS';
  return `(${words}${de} ${unit} ${centavos}/100 M.N.)`;
}
