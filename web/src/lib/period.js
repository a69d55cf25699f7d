// The dashboard's periods for a selected year, as [from, to) civil dates.
import { addDays, addMonths, firstOfMonth } from './format.js';

// The year so far for the current year (to = tomorrow), the whole year otherwise.
export function yearPeriod(year, today) {
  const current = Number(today.slice(0, 4));
  const from = `${year}-01-01`;
  const to = year >= current ? addDays(today, 1) : `${year + 1}-01-01`;
  return { from, to };
}

// The population card counts the population at the end of the last full month for the
// current year (registrations arrive late, so the month in progress is not yet complete),
// and at the end of the year for a past year.
export function populationPeriod(year, today) {
  const current = Number(today.slice(0, 4));
  if (year < current) return { from: `${year}-01-01`, to: `${year + 1}-01-01` };
  const to = firstOfMonth(today);
  return { from: addMonths(to, -1), to };
}

// The day the pyramid is drawn on: the last day of the period.
export function lastDay(period) {
  return addDays(period.to, -1);
}
