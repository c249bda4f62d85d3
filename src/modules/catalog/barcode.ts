import { AppError } from '../../shared/errors.js';

/** The GS1 check digit for the digits before it (EAN-8, UPC-A, EAN-13, GTIN-14). */
export function gs1CheckDigit(body: string): number {
  let total = 0;
  // Weights alternate 3,1,… starting from the digit next to the check digit.
  for (let i = 0; i < body.length; i++) {
    const digit = body.charCodeAt(body.length - 1 - i) - 48;
    total += i % 2 === 0 ? digit * 3 : digit;
  }
  return (10 - (total % 10)) % 10;
}

/**
 * Validates an EAN-8, UPC-A (12), EAN-13 or GTIN-14 code with its check digit.
 * Errors: BARCODE_INVALID, BARCODE_CHECK_DIGIT.
 */
export function assertBarcode(code: string): string {
  const c = code.trim();
  if (!/^\d+$/.test(c) || ![8, 12, 13, 14].includes(c.length))
    throw new AppError('BARCODE_INVALID', { code: c });
  const expected = gs1CheckDigit(c.slice(0, -1));
  if (expected !== Number(c.at(-1))) throw new AppError('BARCODE_CHECK_DIGIT', { code: c, expected });
  return c;
}

export function isValidBarcode(code: string): boolean {
  try {
    assertBarcode(code);
    return true;
  } catch {
    return false;
  }
}
