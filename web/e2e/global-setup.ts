import type { TestProject } from "vitest/node";

import { chromiumPath, startService, type Keys } from "./service";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    keys: Keys;
    chromium: string;
  }
}

/**
 * One service for every browser test file: started here unless E2E_BASE_URL names a running one
 * (then E2E_KEYS_FILE, default ../.copilot/dev-keys.json, holds its development keys).
 */
export default async function setup(project: TestProject) {
  const chromium = chromiumPath();
  const external = process.env.E2E_BASE_URL;
  if (external) {
    const { readFileSync } = await import("node:fs");
    const { REPO } = await import("./service");
    const file = process.env.E2E_KEYS_FILE ?? `${REPO}/.copilot/dev-keys.json`;
    const keys = JSON.parse(readFileSync(file, "utf-8")) as Keys;
    project.provide("baseUrl", external.replace(/\/$/, ""));
    project.provide("keys", keys);
    project.provide("chromium", chromium);
    return;
  }
  const started = Date.now();
  const service = await startService();
  console.log(`e2e: service ready at ${service.url} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  project.provide("baseUrl", service.url);
  project.provide("keys", service.keys);
  project.provide("chromium", chromium);
  return async () => {
    await service.stop();
  };
}
