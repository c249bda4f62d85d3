import { defineErrors } from '../../shared/errors.js';

export const ReportsErrors = defineErrors({
  REPORT_RANGE_INVALID: {
    status: 422,
    es: 'La fecha inicial ({from}) es posterior a la final ({to}).',
    en: 'The start date ({from}) is after the end date ({to}).',
  },
  REPORT_RANGE_TOO_LONG: {
    status: 422,
    es: 'El periodo es demasiado largo: elige como máximo {maxDays} días.',
    en: 'The range is too long: choose at most {maxDays} days.',
  },
});
