// Sending an event and keeping what the server answered: the new event on success, or its
// message with the per-field messages (keyed by the API's field names, "child.name" etc.).
import { ref } from 'vue';
import * as api from '../api/index.js';

export function useEventSubmit() {
  const fieldErrors = ref({});
  const error = ref('');
  const result = ref(null);
  const busy = ref(false);

  async function submit(payload) {
    fieldErrors.value = {};
    error.value = '';
    result.value = null;
    busy.value = true;
    try {
      result.value = { ...(await api.registerEvent(payload)), type: payload.type, date: payload.date };
      return true;
    } catch (err) {
      error.value = err.message;
      fieldErrors.value = err.fieldErrors ? err.fieldErrors() : {};
      return false;
    } finally {
      busy.value = false;
    }
  }

  return { fieldErrors, error, result, busy, submit };
}

// Drops empty optional fields and turns numeric text into numbers.
export function compact(obj) {
  const out = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === '' || v === null || v === undefined) continue;
    if (typeof v === 'object' && !Array.isArray(v)) {
      const inner = compact(v);
      if (Object.keys(inner).length) out[k] = inner;
    } else {
      out[k] = v;
    }
  }
  return out;
}
