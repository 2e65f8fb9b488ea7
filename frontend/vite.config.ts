import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// Hashed files go under /static/: /assets/ belongs to the API (uploaded images and files).
export default defineConfig({
  plugins: [preact()],
  build: { assetsDir: 'static', sourcemap: false, target: 'es2022' },
  server: {
    proxy: {
      '/graphql': { target: 'http://127.0.0.1:8080', ws: true },
      '/assets': 'http://127.0.0.1:8080',
      '/api': 'http://127.0.0.1:8080',
      '/feeds': 'http://127.0.0.1:8080',
    },
  },
});
