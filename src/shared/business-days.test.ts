import { describe, expect, it } from 'vitest';
import { addBusinessDays, isBusinessDay, mexicanHolidays } from './business-days.js';

describe('Mexican business days', () => {
  it('knows the mandatory rest days of the LFT, movable Mondays included', () => {
    expect(mexicanHolidays(2026)).toEqual([
      '2026-01-01',
      '2026-02-02', // first Monday of February
      '2026-03-16', // third Monday of March
      '2026-05-01',
      '2026-09-16',
      '2026-11-16', // third Monday of November
      '2026-12-25',
    ]);
    expect(mexicanHolidays(2030)).toContain('2030-10-01');
    expect(mexicanHolidays(2027)).not.toContain('2027-10-01');
  });

  it('skips weekends and rest days', () => {
    expect(isBusinessDay('2026-12-04')).toBe(true); // Friday
    expect(isBusinessDay('2026-12-05')).toBe(false); // Saturday
    expect(isBusinessDay('2026-12-25')).toBe(false);
    // Friday 4 Dec 2026 + 1: Monday 7 Dec
    expect(addBusinessDays('2026-12-04', 1)).toBe('2026-12-07');
    // 20 business days from Sunday 6 Dec 2026 skip Christmas and New Year's Day
    expect(addBusinessDays('2026-12-06', 20)).toBe('2027-01-05');
    expect(addBusinessDays('2026-11-13', 2)).toBe('2026-11-18'); // over Monday 16 Nov
  });
});
