import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * Normalises a phone number to E.164, Mexico by default. Mexico dropped the mobile `1` after
 * `+52` and the `044`/`045`/`01` dialling prefixes in 2019/2020 (IFT plan de numeración), but
 * WhatsApp still reports Mexican mobiles as `521` + 10 digits and people still type the old
 * prefixes: all of them become `+52` + the 10-digit national number. Returns null when the
 * number is not a valid phone number.
 */
export function normalizePhone(input: string, defaultRegion: 'MX' = 'MX'): string | null {
  const trimmed = input.trim();
  if (trimmed.length === 0 || trimmed.length > 40) return null;
  if (/[^\d\s+().\-/]/.test(trimmed)) return null;
  let digits = trimmed.replace(/\D/g, '');
  let international = trimmed.startsWith('+');
  // 00 is Mexico's international dialling prefix.
  if (!international && digits.startsWith('00')) {
    digits = digits.slice(2);
    international = true;
  }
  let national: string | null = null;
  if (international) {
    if (digits.startsWith('52')) national = digits.slice(2);
  } else if (digits.length === 10) {
    national = digits;
  } else if (digits.length === 13 && digits.startsWith('521')) {
    national = digits.slice(2);
  } else if (digits.length === 12 && digits.startsWith('52')) {
    national = digits.slice(2);
  } else if (defaultRegion === 'MX') {
    national = digits;
  }
  if (national !== null) {
    if (national.length === 11 && national.startsWith('1')) national = national.slice(1);
    else if (national.length === 13 && /^04[45]/.test(national)) national = national.slice(3);
    else if (national.length === 12 && national.startsWith('01')) national = national.slice(2);
    if (national.length !== 10) return null;
    const p = parsePhoneNumberFromString(`+52${national}`);
    return p?.isValid() ? p.number : null;
  }
  const p = parsePhoneNumberFromString(`+${digits}`);
  return p?.isValid() ? p.number : null;
}
