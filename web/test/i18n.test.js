// Every visible string exists in both languages: the two dictionaries have the same keys, and
// every key the source asks for by a literal t('...') is in them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import zh from '../src/i18n/zh.js';
import en from '../src/i18n/en.js';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

function keys(obj, prefix = '') {
  return Object.entries(obj).flatMap(([k, v]) =>
    typeof v === 'object' ? keys(v, prefix + k + '.') : [prefix + k]);
}

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : /\.(vue|js)$/.test(name) ? [p] : [];
  });
}

test('both dictionaries have the same keys', () => {
  const z = new Set(keys(zh));
  const e = new Set(keys(en));
  assert.deepEqual([...z].filter((k) => !e.has(k)), [], 'missing in en');
  assert.deepEqual([...e].filter((k) => !z.has(k)), [], 'missing in zh');
});

test('every literal key used in src/ exists', () => {
  const known = new Set(keys(zh));
  const missing = [];
  for (const file of files(SRC)) {
    const text = readFileSync(file, 'utf8');
    const used = new Set();
    for (const m of text.matchAll(/\bt(?:Or)?\('([a-zA-Z0-9_]+(?:\.[a-zA-Z0-9_]+)+)'(?!\s*\+)/g)) used.add(m[1]);
    // keys chosen in an expression: t(cond ? 'events.a' : 'events.b')
    for (const m of text.matchAll(/\bt\([^()]*?\?\s*'([\w.]+)'\s*:\s*'([\w.]+)'/g)) {
      used.add(m[1]);
      used.add(m[2]);
    }
    for (const key of used) {
      if (!known.has(key)) missing.push(`${key} (${file.slice(SRC.length + 1)})`);
    }
  }
  assert.deepEqual(missing, []);
});

test('every dictionary string is non-empty', () => {
  for (const [name, dict] of [['zh', zh], ['en', en]]) {
    for (const k of keys(dict)) {
      const v = k.split('.').reduce((o, p) => o[p], dict);
      assert.ok(typeof v === 'string' && v.length > 0, `${name}: ${k}`);
    }
  }
});
