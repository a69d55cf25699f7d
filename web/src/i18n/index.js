// A small dictionary instead of a library: `t('nav.dashboard')` looks the key up in the
// current language (Chinese by default, English on the switch), `t('quality.total', {n: 3})` fills
// {n}. A key missing from a dictionary shows as the key itself, and test/i18n.test.js fails
// the build's tests when a key used in src/ is missing from either dictionary.
import { ref, computed } from 'vue';
import zh from './zh.js';
import en from './en.js';

const dictionaries = { zh, en };
const STORAGE_KEY = 'junheng.locale';

function initialLocale() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && dictionaries[saved]) return saved;
  } catch {
    // storage blocked: keep the default
  }
  return 'zh';
}

export const locale = ref(initialLocale());
export const isEnglish = computed(() => locale.value === 'en');

export function setLocale(value) {
  if (!dictionaries[value]) return;
  locale.value = value;
  document.documentElement.lang = value === 'zh' ? 'zh-CN' : 'en';
  try {
    localStorage.setItem(STORAGE_KEY, value);
  } catch {
    // not persisted; fine
  }
}

function lookup(dict, key) {
  let node = dict;
  for (const part of key.split('.')) {
    if (node == null || typeof node !== 'object') return undefined;
    node = node[part];
  }
  return typeof node === 'string' ? node : undefined;
}

export function t(key, params) {
  const text = lookup(dictionaries[locale.value], key) ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

// For values from the server that the dictionary may not know (a new source or event type):
// the dictionary's text when it has one, the value itself otherwise.
export function tOr(key, fallback) {
  const text = lookup(dictionaries[locale.value], key);
  return text === undefined ? fallback : text;
}

// Bilingual names the API gives as {zh, en} (indicator columns).
export function pick(zhText, enText) {
  return locale.value === 'en' ? enText || zhText : zhText || enText;
}
