import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { expectAccessible, keys, launch, newPage, screenshot, signIn } from "./browser";

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser.close();
});

describe("errors and operations", () => {
  test("a wrong key shows the problem with its request id, and the key never enters the URL", async () => {
    const page = await newPage(browser);
    await signIn(page, "/agent", "not-a-real-key");
    await page.getByRole("button", { name: "Load sample" }).click();
    const problem = page.getByRole("region", { name: "Suggested reply" }).getByTestId("problem");
    await problem.waitFor();
    expect(await problem.textContent()).toContain("Authentication required");
    expect(await problem.textContent()).toContain("The API key is not valid.");
    expect(await problem.getByTestId("request-id").textContent()).toMatch(/^[0-9a-f]{32}$/);
    expect(page.url()).not.toContain("not-a-real-key");
    await expectAccessible(page, "an error");
  });

  test("the sign-in screen and the home page are accessible", async () => {
    const page = await newPage(browser);
    await page.goto("/");
    await expectAccessible(page, "the home page");
    await page.goto("/chat");
    await expectAccessible(page, "the sign-in screen");
  });

  test("the ops view shows live counts and the latest eval runs", async () => {
    const page = await newPage(browser);
    await signIn(page, "/ops", keys().admin);
    await expect.poll(async () => Number((await page.getByTestId("requests-total").textContent())?.split(" ")[0])).toBeGreaterThan(0);
    const runs = page.getByTestId("eval-runs");
    await runs.waitFor();
    expect(await runs.textContent()).toMatch(/reply/);
    expect(await page.locator("svg[role=img]").count()).toBeGreaterThanOrEqual(4);
    // The agent and customer tests ran first (files in name order): their verdicts and handoffs are counted.
    const verdicts = page.getByRole("region", { name: "Feedback verdicts" });
    await expect.poll(() => verdicts.locator("figcaption").textContent()).toMatch(/edited: \d+.*|rejected: \d+/);
    expect(await page.getByRole("region", { name: "Handoffs by reason" }).locator("figcaption").textContent()).toContain(
      "Sensitive topic",
    );
    await expectAccessible(page, "the ops view");
    await screenshot(page, "ops-view");
  });
});
