/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The service serves dist/ at "/"; in development, `npm run dev` proxies the API to `make run`.
const api = process.env.COPILOT_API_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", sourcemap: false, chunkSizeWarningLimit: 400 },
  server: {
    proxy: Object.fromEntries(["/v1", "/metrics", "/healthz", "/readyz"].map((p) => [p, { target: api }])),
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test-setup.ts"],
    restoreMocks: true,
    testTimeout: 20_000, // typing through user-event is slow on a busy two-core machine
  },
});
