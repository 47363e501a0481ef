import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, test, vi } from "vitest";

import { createApiClient, type Schemas } from "../../api/client";
import { sseResponse } from "../../test/fixtures";
import { describeCall, renderWithQuery } from "../../test/render";
import { ContactsPanel } from "./ContactsPanel";

type Contact = Schemas["ContactView"];

afterEach(() => {
  vi.unstubAllGlobals();
});

function contact(state: Contact["state"]): Contact {
  return {
    id: "c-1", state, channel: "chat", queue: "fraud/en", priority: 90, position: null, estimated_wait_s: null,
    agent_id: "dev-agent", created_at: 1, deadline_at: 61, offered_at: 1, assigned_at: state === "assigned" ? 2 : null,
    ended_at: null, outcome: null, reopens: null, transferred_from: null, flags: [],
    triage: { area: "security_and_fraud", intent: "scam_report", risks: ["scam_in_progress"], urgency: "now",
      request: "action", language: "en", handoff_reason: "sensitive_topic", vulnerability: null },
    decision: { rule: "scam", queue: "fraud/en", priority: 90, reason: "r", candidates: 1, agent_id: "dev-agent", score: null, flags: [] },
    conversation: [{ role: "customer", text: "They want me to move my savings to a safe account" }],
  };
}

const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });

describe("the contacts panel", () => {
  test("an offer arrives live, is accepted, and its conversation opens", async () => {
    let offered = false;
    const calls: string[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
        const { url, method } = describeCall(input, init);
        calls.push(`${method} ${url}`);
        if (url === "/v1/agents/dev-agent") {
          return Promise.resolve(json({ id: "dev-agent", name: "dev-agent", status: "available", skills: {}, languages: ["en"], capacity: 3, load: 0 }));
        }
        if (url === "/v1/agents/dev-agent/events") {
          offered = true; // the router offers a contact as soon as the agent listens
          return Promise.resolve(sseResponse('id: 7\nevent: contact.offered\ndata: {"seq":7,"kind":"contact.offered","triage":{"area":"security_and_fraud"}}\n\n'));
        }
        if (url === "/v1/contacts") return Promise.resolve(json({ contacts: offered ? [contact("offered")] : [] }));
        if (url === "/v1/contacts/c-1/accept") return Promise.resolve(json(contact("assigned")));
        return Promise.resolve(new Response("{}", { status: 404 }));
      }),
    );
    window.sessionStorage.setItem("copilot.agent-id", "dev-agent");
    const onOpen = vi.fn();
    const user = userEvent.setup();
    renderWithQuery(<ContactsPanel client={createApiClient("agent-key")} apiKey="agent-key" openContactId={null} onOpen={onOpen} />);

    const item = await screen.findByTestId("contact");
    expect(item).toHaveTextContent("offered");
    expect(item).toHaveTextContent("Scam in progress");
    expect(screen.getByText("New contact offered: security and fraud.")).toBeInTheDocument();
    expect(screen.getByLabelText(/Status/)).toHaveValue("available");

    await user.click(screen.getByRole("button", { name: "Accept" }));
    await vi.waitFor(() => expect(onOpen).toHaveBeenCalled());
    expect(onOpen).toHaveBeenCalledWith("c-1", [{ role: "customer", text: "They want me to move my savings to a safe account" }]);
    expect(calls).toContain("POST /v1/contacts/c-1/accept");
  });
});
