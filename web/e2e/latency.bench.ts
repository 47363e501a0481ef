/**
 * Time to the first streamed token and to the full suggestion, as the agent sees them in the browser:
 * from the click on "Regenerate" to the first text of the draft on screen, and to the finished suggestion
 * (sources, confidence) on screen. Not a test: `npm run bench:browser`, against a running service with
 * E2E_BASE_URL (e.g. `make run`), or against one the setup starts. Prints the medians of BENCH_RUNS runs.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Browser, Page } from "playwright-core";

import { keys, launch, newPage, signIn } from "./browser";

const RUNS = Number(process.env.BENCH_RUNS ?? "20");
const WARMUP = 2;

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launch();
  page = await newPage(browser);
});

afterAll(async () => {
  await browser.close();
});

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return (sorted[low] ?? 0) + ((sorted[high] ?? 0) - (sorted[low] ?? 0)) * (at - low);
}

/** Click Regenerate in the page and time, there, the first draft text and the finished suggestion. */
async function timeOne(p: Page): Promise<{ firstToken: number; full: number }> {
  return p.evaluate(
    () =>
      new Promise<{ firstToken: number; full: number }>((resolve, reject) => {
        const button = [...document.querySelectorAll("button")].find((b) => b.textContent.startsWith("Regenerate"));
        if (!button) {
          reject(new Error("no Regenerate button"));
          return;
        }
        let firstToken = -1;
        const started = performance.now();
        const observer = new MutationObserver(() => {
          const now = performance.now();
          const streaming = document.querySelector('[data-testid="streaming"] .draft');
          if (firstToken < 0 && streaming && (streaming.textContent.replace("▍", "").length > 0)) firstToken = now - started;
          if (document.querySelector('[data-testid="suggestion"]')) {
            observer.disconnect();
            resolve({ firstToken: firstToken < 0 ? now - started : firstToken, full: now - started });
          }
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
        button.click();
      }),
  );
}

test(`time to first token and to the full suggestion, median of ${RUNS}`, async () => {
  await signIn(page, "/agent", keys().agent);
  await page.getByLabel("Sample conversation").selectOption({ label: "Card has not arrived" });
  await page.getByRole("button", { name: "Load sample" }).click();
  await page.getByTestId("suggestion").waitFor();
  const first: number[] = [];
  const full: number[] = [];
  for (let i = 0; i < RUNS + WARMUP; i++) {
    const timing = await timeOne(page);
    if (i >= WARMUP) {
      first.push(timing.firstToken);
      full.push(timing.full);
    }
  }
  const summary = {
    runs: RUNS,
    first_token_ms: { median: quantile(first, 0.5), p90: quantile(first, 0.9), min: Math.min(...first), max: Math.max(...first) },
    full_suggestion_ms: { median: quantile(full, 0.5), p90: quantile(full, 0.9), min: Math.min(...full), max: Math.max(...full) },
  };
  console.log(`browser latency: ${JSON.stringify(summary, (_k, v: unknown) => (typeof v === "number" ? Math.round(v) : v))}`);
  expect(full).toHaveLength(RUNS);
}, 600_000);
