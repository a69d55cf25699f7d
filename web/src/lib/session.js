// The signed-in user, shared by every page. `user` is null until the session is known.
import { reactive, computed } from 'vue';
import { session as sessionApi } from '../api/index.js';

const state = reactive({ user: null, checked: false });

export const currentUser = computed(() => state.user);

export function can(permission) {
  return !!(state.user && state.user.permissions && state.user.permissions[permission]);
}

// Asks the server once per page load whether the cookie still holds a session.
export async function ensureSession() {
  if (state.checked) return state.user;
  try {
    const data = await sessionApi.current();
    state.user = data && data.user ? data.user : null;
  } catch {
    state.user = null;
  }
  state.checked = true;
  return state.user;
}

export async function login(username, password) {
  const data = await sessionApi.login(username, password);
  state.user = data.user;
  state.checked = true;
  return data.user;
}

export async function logout() {
  try {
    await sessionApi.logout();
  } finally {
    clearSession();
  }
}

export function clearSession() {
  state.user = null;
  state.checked = true;
}
