import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { api, expectAccessible, keys, launch, newPage, screenshot, signIn } from "./browser";

interface StoredInteraction {
  id: string;
  surface: string;
  feedback: { verdict: string; reason: string | null; edited_text: string | null }[];
}

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launch();
  page = await newPage(browser);
  // Record the streaming draft's text each time it changes, to see it grow before the result lands.
  // Count the streamed suggestion's delta events as the page's own fetch reads them (a tee of the body).
  await page.addInitScript(() => {
    const counts = { deltas: 0 };
    (window as unknown as { __deltas: { deltas: number } }).__deltas = counts;
    const original = window.fetch.bind(window);
    window.fetch = async (...args: Parameters<typeof fetch>) => {
      const response = await original(...args);
      const url = typeof args[0] === "string" ? args[0] : args[0] instanceof URL ? args[0].href : args[0].url;
      const tee = url.includes("/v1/suggestions?stream=true") ? response.clone().body : null;
      if (tee) {
        const reader = tee.pipeThrough(new TextDecoderStream()).getReader();
        void (async () => {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            counts.deltas += value.split("\n").filter((line) => line.startsWith("event: delta")).length;
          }
        })();
      }
      return response;
    };
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __streamed: string[] }).__streamed = seen;
    new MutationObserver(() => {
      const node = document.querySelector('[data-testid="streaming"] .draft');
      const text = node?.textContent.replace("▍", "") ?? "";
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
});

afterAll(async () => {
  await browser.close();
});

async function loadSample(title: string) {
  await page.getByLabel("Sample conversation").selectOption({ label: title });
  await page.getByRole("button", { name: "Load sample" }).click();
}

describe("agent console", () => {
  test("the suggestion streams in, is inserted, edited and sent, and the verdict is stored", async () => {
    await signIn(page, "/agent", keys().agent);
    await expectAccessible(page, "the agent console before a conversation");
    // The deltas are counted as they arrive: on a fast machine they can land in one network read, and React
    // then paints them in one frame, so what the page shows in between is not a reliable count.
    await loadSample("Card has not arrived");

    const suggestion = page.getByTestId("suggestion");
    await suggestion.waitFor();
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { __deltas: { deltas: number } }).__deltas.deltas))
      .toBeGreaterThan(1);
    const streamed = await page.evaluate(() => (window as unknown as { __streamed: string[] }).__streamed);
    const draft = (await page.getByTestId("draft").textContent()) ?? "";
    expect(streamed.length).toBeGreaterThan(0);
    expect(draft.startsWith(streamed[0] ?? "-")).toBe(true);

    await expect.poll(() => page.getByTestId("source").count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId("confidence").textContent()).toMatch(/Confidence: (High|Medium|Low)/);
    await expect.poll(() => page.getByTestId("degraded").textContent()).toContain("Extractive draft");
    await expectAccessible(page, "the agent console with a suggestion");
    await screenshot(page, "agent-console");

    await page.getByRole("button", { name: /Insert into reply/ }).click();
    const reply = page.getByLabel("Your reply");
    await expect.poll(() => reply.inputValue()).toBe(draft);
    const added = " I have also noted this on your account.";
    await reply.press("End");
    await reply.pressSequentially(added);
    await reply.press("Control+Enter");

    await expect.poll(() => page.getByTestId("feedback-sent").textContent()).toContain("edited");
    await expect.poll(() => page.getByRole("list", { name: "Conversation" }).textContent()).toContain(added.trim());
    const id = await suggestion.getAttribute("data-interaction-id");
    expect(id).toBeTruthy();
    const stored = await api<StoredInteraction>(`/v1/interactions/${id ?? ""}`, keys().agent);
    expect(stored.surface).toBe("suggestion");
    expect(stored.feedback.map((f) => f.verdict)).toEqual(["edited"]);
    expect(stored.feedback[0]?.edited_text).toBe(`${draft}${added}`);
  });

  test("rejecting with a reason by keyboard stores it and gives focus back", async () => {
    await loadSample("Cancel a direct debit");
    const suggestion = page.getByTestId("suggestion");
    await suggestion.waitFor();
    await page.keyboard.press("Alt+X");
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("value"))).toBe("incorrect");
    await page.getByLabel("Incomplete").check();
    await page.getByLabel("Comment (optional)").fill("Does not say how long it takes");
    await page.getByRole("button", { name: "Send rejection" }).click();
    await expect.poll(() => page.getByTestId("feedback-sent").textContent()).toContain("rejected");
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent ?? "")).toContain("Reject");
    const id = (await suggestion.getAttribute("data-interaction-id")) ?? "";
    const stored = await api<StoredInteraction>(`/v1/interactions/${id}`, keys().agent);
    expect(stored.feedback.map((f) => [f.verdict, f.reason])).toEqual([["rejected", "incomplete"]]);
  });

  test("a scam in progress is a handoff warning that cannot be missed", async () => {
    await loadSample("Asked to move money to a safe account");
    const handoff = page.getByTestId("handoff");
    await handoff.waitFor();
    expect(await handoff.textContent()).toMatch(/scam in progress/i);
    expect(await handoff.getAttribute("role")).toBe("alert");
    expect(await page.getByTestId("risks").textContent()).toContain("Scam in progress");
    expect(await page.getByTestId("next-action").textContent()).toMatch(/^Stop/);
    await expectAccessible(page, "the handoff warning");
    await screenshot(page, "agent-handoff");
  });

  test("the handover summary is one click away", async () => {
    await page.keyboard.press("Alt+U");
    const summary = page.getByTestId("summary");
    await summary.waitFor();
    expect(await summary.textContent()).toMatch(/Issue/);
  });

  test("a contact routed to the agent arrives live, is accepted and opens with a suggestion", async () => {
    await page.getByLabel("Your agent id").fill("dev-agent");
    await page.getByRole("button", { name: "Connect" }).click();
    const live = page.getByRole("region", { name: "Your contacts" });
    await expect.poll(() => live.getByText("Live").count()).toBe(1);
    await page.getByLabel(/^Status/).selectOption("available");
    await expect.poll(() => page.getByLabel(/^Status/).inputValue()).toBe("available");

    const text = "My card was declined at the supermarket twice today, is something wrong with it?";
    await api("/v1/contacts", keys().customer, { conversation: [{ role: "customer", text }], channel: "chat" });
    const offer = live.getByTestId("contact").filter({ hasText: "offered" });
    await offer.waitFor();
    await offer.getByRole("button", { name: "Accept" }).click();
    await expect.poll(() => page.getByRole("list", { name: "Conversation" }).textContent()).toContain("declined");
    await page.getByTestId("suggestion").waitFor();
    expect(await live.getByTestId("contact").filter({ hasText: "assigned" }).count()).toBe(1);
    await expectAccessible(page, "the agent console with a routed contact");
    await screenshot(page, "agent-contacts");
  });

  test("knowledge search shows internal procedures to an agent", async () => {
    await page.keyboard.press("Alt+K");
    await page.keyboard.type("fraud escalation");
    await page.keyboard.press("Enter");
    const results = page.getByRole("list", { name: "Search results" });
    await results.waitFor();
    expect(await results.textContent()).toContain("Internal");
  });
});
