// Choices that outlive a page (the dashboard is rebuilt on every drill-down): kept for the
// browser tab's life.
import { reactive } from 'vue';
import { DEFAULT_TABLE_COLUMNS, DEFAULT_MAP_INDICATOR } from './indicators.js';

export const dashboardPrefs = reactive({
  mapIndicator: DEFAULT_MAP_INDICATOR,
  tableColumns: [...DEFAULT_TABLE_COLUMNS],
});
