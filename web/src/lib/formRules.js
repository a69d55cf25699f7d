// Element Plus form rules shared by the event forms. The server checks everything again;
// these only stop an obviously incomplete form before it is sent.
import { t } from '../i18n/index.js';
import { todayInShanghai } from './format.js';

export function requiredRule() {
  return {
    validator: (rule, value, callback) => {
      if (value === '' || value === null || value === undefined) callback(new Error(t('events.required')));
      else callback();
    },
    trigger: 'change',
  };
}

// For date pickers: days after today (in Beijing) cannot have happened yet.
export function notAfterToday(date) {
  const y = date.getFullYear();
  const m = String(date.getMonth() + 1).padStart(2, '0');
  const d = String(date.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}` > todayInShanghai();
}
