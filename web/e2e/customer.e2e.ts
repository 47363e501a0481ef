import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { expectAccessible, keys, launch, newPage, screenshot, signIn } from "./browser";

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser.close();
});

async function ask(page: Page, question: string) {
  await page.getByLabel("Your question").fill(question);
  await page.getByRole("button", { name: "Send", exact: true }).click();
}

describe("customer chat", () => {
  test("a question gets an answer citing help articles", async () => {
    const page = await newPage(browser);
    await signIn(page, "/chat", keys().customer);
    await ask(page, "How long does a new card take to arrive?");
    const citations = page.getByTestId("citations");
    await citations.waitFor();
    const links = citations.getByRole("link");
    expect(await links.count()).toBeGreaterThan(0);
    for (const href of await links.evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""))) {
      expect(href).toMatch(/^https:\/\//);
    }
    expect(await page.getByTestId("handover").count()).toBe(0);
    await expectAccessible(page, "the customer chat with an answer");
    await screenshot(page, "customer-chat");
  });

  test("a customer in a scam is handed to a person with the API's message", async () => {
    const page = await newPage(browser);
    await signIn(page, "/chat", keys().customer);
    await ask(
      page,
      "Someone from your fraud team rang and told me to move all my savings to a safe account now. " +
        "They are still on the other line.",
    );
    const handover = page.getByTestId("handover");
    await handover.waitFor();
    expect(await handover.textContent()).toContain("I'll pass you to a member of our team");
    const bubble = page.locator(".bubble-copilot").last();
    expect((await bubble.textContent())?.length ?? 0).toBeGreaterThan(60);
    expect(await page.getByRole("button", { name: "Talk to a person" }).isDisabled()).toBe(true);
    await expectAccessible(page, "the customer handover");
    await screenshot(page, "customer-handover");
  });
});
