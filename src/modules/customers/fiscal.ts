import { satCatalog } from '../../sat/catalogs.js';

/** RFC for "público en general" (national) and for foreign customers (SAT, Anexo 20 guía de llenado). */
export const GENERIC_RFCS = ['XAXX010101000', 'XEXX010101000'] as const;

export type PersonType = 'fisica' | 'moral';

// Persona moral: 3 letters, física: 4 letters (Ñ and & are valid), then YYMMDD and a 3-character
// homoclave whose last character is a digit or A (the check digit).
const RFC_RE = /^([A-ZÑ&]{3,4})(\d{2})(\d{2})(\d{2})([A-Z\d]{2}[A\d])$/;

export type RfcProblem = 'format' | 'date';

/** The person type of a well-formed RFC, or the problem with it. Upper-case it first. */
export function checkRfc(
  rfc: string,
): { ok: true; personType: PersonType } | { ok: false; problem: RfcProblem } {
  if ((GENERIC_RFCS as readonly string[]).includes(rfc)) return { ok: true, personType: 'fisica' };
  const m = RFC_RE.exec(rfc);
  if (!m || (rfc.length !== 12 && rfc.length !== 13)) return { ok: false, problem: 'format' };
  const yy = Number(m[2]);
  const mm = Number(m[3]);
  const dd = Number(m[4]);
  // The century is not written: February 29 is valid when either 19YY or 20YY is a leap year
  // (with two digits both reduce to YY % 4 === 0).
  const days = [31, yy % 4 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (mm < 1 || mm > 12 || dd < 1 || dd > days[mm - 1]!) return { ok: false, problem: 'date' };
  return { ok: true, personType: rfc.length === 13 ? 'fisica' : 'moral' };
}

export function isGenericRfc(rfc: string): boolean {
  return (GENERIC_RFCS as readonly string[]).includes(rfc);
}

function inForce(row: Record<string, string> | undefined, today: string): boolean {
  return !!row && (!row.vigencia_hasta || row.vigencia_hasta >= today);
}

export function regimenRow(clave: string, today: string): Record<string, string> | undefined {
  const row = satCatalog('c_RegimenFiscal').get(clave);
  return inForce(row, today) ? row : undefined;
}

export function usoRow(clave: string, today: string): Record<string, string> | undefined {
  const row = satCatalog('c_UsoCFDI').get(clave);
  return inForce(row, today) ? row : undefined;
}

export function appliesTo(row: Record<string, string>, type: PersonType): boolean {
  return (type === 'fisica' ? row.aplica_fisica : row.aplica_moral)?.trim() === '1';
}

/** The régimen keys a uso CFDI allows for the receiver (column regimenes_fiscales_receptores). */
export function regimenesForUso(row: Record<string, string>): string[] {
  return (row.regimenes_fiscales_receptores ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
