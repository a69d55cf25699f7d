import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// The binary serves dist/ at / and the API under /api/v1; `npm run dev` proxies the API to a
// running `junheng serve` (JUNHENG_API, default http://127.0.0.1:8080).
export default defineConfig({
  plugins: [vue()],
  base: '/',
  build: {
    outDir: 'dist',
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        manualChunks: {
          echarts: ['echarts'],
          'element-plus': ['element-plus'],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': process.env.JUNHENG_API || 'http://127.0.0.1:8080',
      '/healthz': process.env.JUNHENG_API || 'http://127.0.0.1:8080',
    },
  },
});
