// Indicator names the pages offer, and their labels: the API's column labels ({zh, en})
// when a response brought them, the dictionary's otherwise.
import { t, tOr, pick } from '../i18n/index.js';

// Offered in the dashboard's table and map selectors, in this order.
export const TABLE_INDICATORS = [
  'population_end', 'population_avg', 'births', 'deaths', 'cbr', 'cdr', 'ngr', 'gfr', 'tfr',
  'srb', 'share_order1', 'share_order2', 'share_order3p', 'mean_age_birth', 'imr', 'nmr',
  'u5mr', 'mmr', 'e0', 'e0_m', 'e0_f', 'share_0_14', 'share_60p', 'share_65p', 'share_80p',
  'odr', 'chdr', 'tdr', 'sex_ratio', 'median_age', 'in_migrants', 'out_migrants',
  'net_migration', 'net_migration_rate', 'registered',
  'delay_median', 'share_within_30d', 'completeness',
];

export const DEFAULT_TABLE_COLUMNS = ['population_end', 'births', 'cbr', 'tfr', 'srb', 'imr'];
export const DEFAULT_MAP_INDICATOR = 'tfr';

export function columnsByName(columns) {
  const out = {};
  for (const c of columns || []) out[c.name] = c;
  return out;
}

export function indicatorLabel(name, meta) {
  const c = meta && meta[name];
  if (c && (c.zh || c.en)) return pick(c.zh, c.en);
  return t('indicators.' + name);
}

// The API names units in English ("per 1000 live births"); the dictionary says them in the
// user's language, and a unit it does not know is shown as the API wrote it.
const UNIT_KEYS = {
  persons: 'persons', births: 'births', deaths: 'deaths', events: 'events', days: 'days',
  years: 'years', '%': 'percent', 'per 100': 'per100', 'per 1000': 'per1000',
  'per 1000 women': 'per1000women', 'per 1000 live births': 'per1000births',
  'per 100000 live births': 'per100000births', 'children per woman': 'childrenPerWoman',
  'males per 100 females': 'malesPer100Females',
};

export function unitLabel(unit) {
  if (!unit) return '';
  return UNIT_KEYS[unit] ? tOr('units.' + UNIT_KEYS[unit], unit) : unit;
}

export function indicatorUnit(name, meta) {
  const c = meta && meta[name];
  return unitLabel(c && c.unit);
}

export function valueOf(row, name) {
  const cell = row && row.indicators && row.indicators[name];
  if (!cell) return null;
  return cell.value === undefined ? null : cell.value;
}
