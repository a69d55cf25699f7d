// Pages and who may open them. A route's meta.permission names the permission the user
// needs (see lib/session.js); the menu hides what the user may not open, and the guard
// sends a user without the session to the login page.
import { createRouter, createWebHistory } from 'vue-router';
import { ensureSession, can } from './lib/session.js';

const routes = [
  { path: '/login', name: 'login', component: () => import('./pages/LoginPage.vue'), meta: { public: true } },
  { path: '/', redirect: '/dashboard' },
  { path: '/dashboard/:code?', name: 'dashboard', component: () => import('./pages/DashboardPage.vue'), meta: { nav: 'dashboard' } },
  { path: '/persons', name: 'persons', component: () => import('./pages/PersonSearchPage.vue'), meta: { nav: 'persons', permission: 'read_persons' } },
  { path: '/persons/:id', name: 'person', component: () => import('./pages/PersonPage.vue'), meta: { nav: 'persons', permission: 'read_persons' } },
  { path: '/events', name: 'events', component: () => import('./pages/RegisterEventPage.vue'), meta: { nav: 'events', permission: 'write_events' } },
  { path: '/imports', name: 'imports', component: () => import('./pages/ImportPage.vue'), meta: { nav: 'imports', permission: 'import_files' } },
  { path: '/quality/:code?', name: 'quality', component: () => import('./pages/QualityPage.vue'), meta: { nav: 'quality' } },
  { path: '/:rest(.*)*', redirect: '/dashboard' },
];

export const router = createRouter({ history: createWebHistory(), routes });

router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  const user = await ensureSession();
  if (!user) return { name: 'login', query: { redirect: to.fullPath } };
  if (to.meta.permission && !can(to.meta.permission)) return { name: 'dashboard' };
  return true;
});
