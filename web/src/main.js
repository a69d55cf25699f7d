import { createApp } from 'vue';
import ElementPlus from 'element-plus';
import 'element-plus/dist/index.css';
import './styles.css';
import App from './App.vue';
import { router } from './router.js';
import { onUnauthenticated } from './api/client.js';
import { clearSession } from './lib/session.js';
import { setLocale, locale } from './i18n/index.js';

setLocale(locale.value);

// A 401 from any call means the session is gone: back to the login page, then back here.
onUnauthenticated(() => {
  clearSession();
  const current = router.currentRoute.value;
  if (current.name !== 'login') {
    router.push({ name: 'login', query: { redirect: current.fullPath } });
  }
});

createApp(App).use(ElementPlus).use(router).mount('#app');
