/** Shared pieces of the browser tests: Chromium, signing in, accessibility checks, screenshots, the API. */
import AxeBuilder from "@axe-core/playwright";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { expect, inject } from "vitest";

import { REPO } from "./service";

export const baseUrl = () => inject("baseUrl");
export const keys = () => inject("keys");

export async function launch(): Promise<Browser> {
  const args = process.getuid?.() === 0 ? ["--no-sandbox"] : [];
  return chromium.launch({ executablePath: inject("chromium"), headless: true, args });
}

export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: baseUrl(), viewport: { width: 1440, height: 960 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return page;
}

/** Open a screen and sign in with `key` through the form. */
export async function signIn(page: Page, path: string, key: string): Promise<void> {
  await page.goto(path);
  await page.getByLabel(/API key/).fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** axe-core over the page as it is: no serious or critical WCAG 2 A/AA violation. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const described = bad.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(described, `accessibility of ${what}`).toEqual([]);
}

/** Write docs/screenshots/NAME.png when UPDATE_SCREENSHOTS=1 (CI leaves the tree clean). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== "1") return;
  const folder = join(REPO, "docs", "screenshots");
  mkdirSync(folder, { recursive: true });
  await page.screenshot({ path: join(folder, `${name}.png`), fullPage: false });
}

export async function api<T>(path: string, key: string, body?: unknown): Promise<T> {
  const response = await fetch(`${baseUrl()}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
