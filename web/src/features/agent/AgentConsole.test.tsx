import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, test, vi } from "vitest";

import { problemResponse, sseBody, sseResponse, suggestion } from "../../test/fixtures";
import { describeCall, renderWithQuery } from "../../test/render";
import { AgentConsole } from "./AgentConsole";

afterEach(() => {
  vi.unstubAllGlobals();
});

interface Recorded {
  url: string;
  method: string;
  body: unknown;
  auth: string | null;
}

function fakeService(result = suggestion()) {
  const calls: Recorded[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const { url, method } = describeCall(input, init);
    const request = input instanceof Request ? input : null;
    const text = request ? await request.text() : typeof init?.body === "string" ? init.body : "";
    const headers = new Headers(request ? request.headers : init?.headers);
    calls.push({ url, method, body: text ? JSON.parse(text) : null, auth: headers.get("authorization") });
    if (url.startsWith("/v1/suggestions")) {
      const words = result.draft.split(/(?<= )/);
      return sseResponse(sseBody([...words.map((w): [string, unknown] => ["delta", { text: w }]), ["result", result]]));
    }
    if (url === "/v1/contacts") {
      return new Response(JSON.stringify({ contacts: [] }), { headers: { "content-type": "application/json" } });
    }
    if (url === "/v1/feedback") {
      const body = JSON.parse(text) as { verdict: string; reason?: string };
      return new Response(
        JSON.stringify({ id: "f1", interaction_id: result.id, created_at: "2026-12-06T10:00:00Z", verdict: body.verdict,
          reason: body.reason ?? null, edited_text: null, comment: null, principal: "dev-agent" }),
        { status: 201, headers: { "content-type": "application/json" } },
      );
    }
    return problemResponse(404, "Not found", `no fake for ${url}`);
  });
  vi.stubGlobal("fetch", fetchMock);
  return calls;
}

describe("the agent console", () => {
  test("load, stream, insert, edit and send: the edited text is stored as the verdict", async () => {
    const calls = fakeService();
    const user = userEvent.setup();
    renderWithQuery(<AgentConsole apiKey="agent-key" />);
    await user.click(screen.getByRole("button", { name: "Load sample" }));

    await screen.findByTestId("suggestion");
    const asked = calls.find((c) => c.url === "/v1/suggestions?stream=true");
    expect(asked?.auth).toBe("Bearer agent-key");
    expect((asked?.body as { conversation: unknown[] }).conversation).toHaveLength(3);

    await user.click(screen.getByRole("button", { name: /Insert into reply/ }));
    const reply = screen.getByLabelText("Your reply");
    expect(reply).toHaveValue(suggestion().draft);
    await user.type(reply, " Thanks for waiting.");
    await user.keyboard("{Control>}{Enter}{/Control}");

    await screen.findByTestId("feedback-sent");
    const feedback = calls.find((c) => c.url === "/v1/feedback");
    expect(feedback?.body).toEqual({
      interaction_id: suggestion().id,
      verdict: "edited",
      edited_text: `${suggestion().draft} Thanks for waiting.`,
    });
    expect(screen.getByRole("list", { name: "Conversation" })).toHaveTextContent("Thanks for waiting.");
    expect(screen.getByRole("button", { name: /Regenerate/ })).toBeDisabled();
  });

  test("sending the draft unchanged is an acceptance; shortcuts drive it", async () => {
    const calls = fakeService();
    const user = userEvent.setup();
    renderWithQuery(<AgentConsole apiKey="agent-key" />);
    await user.click(screen.getByRole("button", { name: "Load sample" }));
    await screen.findByTestId("suggestion");
    await user.keyboard("{Alt>}i{/Alt}");
    await waitFor(() => expect(screen.getByLabelText("Your reply")).toHaveValue(suggestion().draft));
    await user.click(screen.getByRole("button", { name: /Send/ }));
    await screen.findByTestId("feedback-sent");
    expect(calls.filter((c) => c.url === "/v1/feedback").map((c) => c.body)).toEqual([
      { interaction_id: suggestion().id, verdict: "accepted" },
    ]);
  });

  test("a wrong key shows the service's problem with its request id, not a blank panel", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(() => Promise.resolve(problemResponse(401, "Authentication required", "The API key is not valid.", "abc123"))),
    );
    const user = userEvent.setup();
    renderWithQuery(<AgentConsole apiKey="wrong" />);
    await user.click(screen.getByRole("button", { name: "Load sample" }));
    const panel = screen.getByRole("region", { name: "Suggested reply" });
    const alert = await within(panel).findByTestId("problem");
    expect(alert).toHaveTextContent("Authentication required (HTTP 401)");
    expect(alert).toHaveTextContent("Check the API key you signed in with.");
    expect(within(alert).getByTestId("request-id")).toHaveTextContent("abc123");
    const contacts = screen.getByRole("region", { name: "Your contacts" });
    expect(await within(contacts).findByTestId("problem")).toHaveTextContent("Authentication required");
  });
});
