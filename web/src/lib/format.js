// Numbers, dates and times as users read them. Pure functions (tested in test/format.test.js).

const EM_DASH = '—';

// Decimals by indicator: counts are whole, ratios per 100 one decimal, rates per 1000 two.
const DECIMALS = {
  population_avg: 0,
  population_end: 0,
  births: 0,
  births_male: 0,
  births_female: 0,
  deaths: 0,
  in_migrants: 0,
  out_migrants: 0,
  net_migration: 0,
  registered: 0,
  cbr: 2,
  cdr: 2,
  ngr: 2,
  gfr: 2,
  tfr: 2,
  srb: 1,
  srb_lo: 1,
  srb_hi: 1,
  share_order1: 1,
  share_order2: 1,
  share_order3p: 1,
  mean_age_birth: 1,
  imr: 2,
  nmr: 2,
  u5mr: 2,
  mmr: 1,
  e0: 1,
  e0_m: 1,
  e0_f: 1,
  share_0_14: 1,
  share_60p: 1,
  share_65p: 1,
  share_80p: 1,
  odr: 1,
  chdr: 1,
  tdr: 1,
  net_migration_rate: 2,
  sex_ratio: 1,
  median_age: 1,
  delay_median: 1,
  share_within_30d: 1,
  completeness: 1,
};

export function decimalsFor(name) {
  return name in DECIMALS ? DECIMALS[name] : 2;
}

// 1234567.891 → "1,234,567.89"; null/undefined/NaN → "—".
export function formatNumber(value, decimals = 0) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return EM_DASH;
  return Number(value).toLocaleString('en-US', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
}

export function formatIndicator(name, value) {
  return formatNumber(value, decimalsFor(name));
}

// "(105.1–115.6)", or "" when either bound is missing.
export function formatInterval(lo, hi, decimals = 1) {
  if (lo === null || lo === undefined || hi === null || hi === undefined) return '';
  return `(${formatNumber(lo, decimals)}–${formatNumber(hi, decimals)})`;
}

// "110.2 (105.1–115.6)"; without an interval just the ratio.
export function formatWithInterval(value, lo, hi, decimals = 1) {
  if (value === null || value === undefined) return EM_DASH;
  const interval = formatInterval(lo, hi, decimals);
  return interval ? `${formatNumber(value, decimals)} ${interval}` : formatNumber(value, decimals);
}

// Times come from the API in UTC ("2024-03-01T02:00:00Z") and are shown in Beijing time
// ("2024-03-01 10:00:00").
const SHANGHAI = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

export function formatTime(iso) {
  if (!iso) return EM_DASH;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const p = {};
  for (const part of SHANGHAI.formatToParts(date)) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

// Civil dates stay as they are ("YYYY-MM-DD"); no time zone applies.
export function formatDate(civil) {
  return civil ? String(civil) : EM_DASH;
}

// Today's civil date in Beijing, as the users' calendar has it.
export function todayInShanghai(now = new Date()) {
  return formatTime(now.toISOString()).slice(0, 10);
}

// "YYYY-MM-DD" + n days (civil arithmetic in UTC so no DST or offset can shift it).
export function addDays(civil, n) {
  const [y, m, d] = civil.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d + n));
  return date.toISOString().slice(0, 10);
}

export function firstOfMonth(civil) {
  return civil.slice(0, 8) + '01';
}

export function addMonths(civil, n) {
  const [y, m] = civil.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1 + n, 1));
  return date.toISOString().slice(0, 10);
}

// The server names a file by where it keeps the upload; people know it by its own name.
export function baseName(path) {
  return String(path || '').split('/').pop();
}

export { EM_DASH };
