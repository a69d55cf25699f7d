// Formatting as users read it: thousands separators, "—" for null, Beijing time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatNumber, formatIndicator, formatWithInterval, formatTime, todayInShanghai, addDays, addMonths,
} from '../src/lib/format.js';
import { yearPeriod, populationPeriod, lastDay } from '../src/lib/period.js';

test('numbers have thousands separators and fixed decimals', () => {
  assert.equal(formatNumber(1234567, 0), '1,234,567');
  assert.equal(formatNumber(1.0849, 2), '1.08');
  assert.equal(formatNumber(0, 1), '0.0');
  assert.equal(formatIndicator('population_end', 3987654.4), '3,987,654');
  assert.equal(formatIndicator('tfr', 1.1), '1.10');
});

test('a null value is a dash, never zero', () => {
  assert.equal(formatNumber(null), '—');
  assert.equal(formatNumber(undefined), '—');
  assert.equal(formatIndicator('imr', null), '—');
  assert.equal(formatWithInterval(null, 100, 120), '—');
});

test('sex ratio at birth with its interval', () => {
  assert.equal(formatWithInterval(110.23, 105.06, 115.61), '110.2 (105.1–115.6)');
  assert.equal(formatWithInterval(110.23, null, null), '110.2');
});

test('UTC times are shown in Asia/Shanghai', () => {
  assert.equal(formatTime('2024-03-01T02:00:00Z'), '2024-03-01 10:00:00');
  assert.equal(formatTime('2024-12-31T16:30:05Z'), '2025-01-01 00:30:05');
  assert.equal(formatTime(''), '—');
  assert.equal(todayInShanghai(new Date('2024-06-30T17:00:00Z')), '2024-07-01');
});

test('civil date arithmetic', () => {
  assert.equal(addDays('2024-02-28', 1), '2024-02-29');
  assert.equal(addDays('2024-12-31', 1), '2025-01-01');
  assert.equal(addMonths('2024-01-01', -1), '2023-12-01');
});

test('periods of the dashboard', () => {
  assert.deepEqual(yearPeriod(2023, '2024-05-10'), { from: '2023-01-01', to: '2024-01-01' });
  assert.deepEqual(yearPeriod(2024, '2024-05-10'), { from: '2024-01-01', to: '2024-05-11' });
  assert.deepEqual(populationPeriod(2024, '2024-05-10'), { from: '2024-04-01', to: '2024-05-01' });
  assert.deepEqual(populationPeriod(2024, '2024-01-15'), { from: '2023-12-01', to: '2024-01-01' });
  assert.deepEqual(populationPeriod(2022, '2024-01-15'), { from: '2022-01-01', to: '2023-01-01' });
  assert.equal(lastDay({ from: '2024-01-01', to: '2025-01-01' }), '2024-12-31');
});
