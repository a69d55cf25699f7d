// Element Plus form rules shared by the event forms. The server checks everything again;
// these only stop an obviously incomplete form before it is sent.
import { t } from '../i18n/index.js';
import { todayInShanghai } from './format.js';

// While a form is being emptied after a success (see resetQuietly), its rules hold their
// tongue: the emptied fields are not the user's mistake.
let quiet = false;

export function requiredRule() {
  return {
    validator: (rule, value, callback) => {
      if (!quiet && (value === '' || value === null || value === undefined)) callback(new Error(t('events.required')));
      else callback();
    },
    trigger: 'change',
  };
}

// Runs `reset` (which empties the form's model), then clears the messages once the form's
// watchers have seen the new values.
export function resetQuietly(formRef, reset) {
  quiet = true;
  reset();
  setTimeout(() => {
    quiet = false;
    if (formRef.value) formRef.value.clearValidate();
  }, 0);
}

// For date pickers: days after today (in Beijing) cannot have happened yet.
export function notAfterToday(date) {
  const y = date.getFullYear();
  const m = String(date.getMonth() + 1).padStart(2, '0');
  const d = String(date.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}` > todayInShanghai();
}
