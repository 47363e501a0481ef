import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, test, vi } from "vitest";

import type { Suggestion } from "../../api/client";
import { ApiProblem } from "../../api/problem";
import type { StreamState } from "../../api/streamState";
import { scamSuggestion, suggestion } from "../../test/fixtures";
import type { FeedbackStatus } from "./Feedback";
import { SuggestionPanel, type SuggestionPanelProps } from "./SuggestionPanel";

function renderPanel(state: StreamState<Suggestion>, overrides: Partial<SuggestionPanelProps> = {}) {
  const props: SuggestionPanelProps = {
    state,
    stale: false,
    blocked: null,
    feedback: { status: "none" },
    rejectOpen: false,
    onRejectOpenChange: vi.fn(),
    onSuggest: vi.fn(),
    onStop: vi.fn(),
    onInsert: vi.fn(),
    onAccept: vi.fn(),
    onReject: vi.fn(),
    ...overrides,
  };
  return { props, ...render(<SuggestionPanel {...props} />) };
}

const done = (result: Suggestion): StreamState<Suggestion> => ({ status: "done", text: result.draft, result });

describe("the suggestion panel", () => {
  test("streaming: the partial draft shows, the panel is busy and can be stopped", async () => {
    const { props } = renderPanel({ status: "streaming", text: "Your new card", startedAt: 0, firstDeltaAt: 1 });
    expect(screen.getByTestId("streaming")).toHaveTextContent("Your new card");
    expect(screen.getByRole("region", { name: "Suggested reply" })).toHaveAttribute("aria-busy", "true");
    expect(screen.queryByRole("button", { name: /Insert/ })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: /Stop/ }));
    expect(props.onStop).toHaveBeenCalledOnce();
  });

  test("result: draft, honest confidence, sources marked by kind, next action, and insert", async () => {
    const result = suggestion();
    const { props } = renderPanel(done(result));
    expect(screen.getByTestId("draft")).toHaveTextContent(result.draft);
    expect(screen.getByTestId("confidence")).toHaveTextContent("Confidence: High (82 %)");
    const sources = screen.getAllByTestId("source");
    expect(sources.map((s) => within(s).getByText(/article|procedure|resolution/i).textContent)).toEqual([
      "Help article",
      "Internal procedure",
      "Past resolution",
    ]);
    expect(within(sources[0] as HTMLElement).getByRole("link", { name: "When will my card arrive?" })).toHaveAttribute(
      "href",
      "https://help.example/card-delivery",
    );
    expect(screen.getByTestId("internal-note")).toHaveTextContent("internal sources");
    expect(screen.queryByTestId("degraded")).not.toBeInTheDocument();
    expect(screen.queryByTestId("handoff")).not.toBeInTheDocument();
    expect(screen.getByTestId("next-action")).toHaveTextContent("Review the draft");
    await userEvent.click(screen.getByRole("button", { name: /Insert into reply/ }));
    expect(props.onInsert).toHaveBeenCalledWith(result.draft);
  });

  test("degraded: an extractive draft says so, and a model failure says why", () => {
    const { unmount } = renderPanel(done(suggestion({ provider: "extractive", model: "extractive", confidence: 0.4 })));
    expect(screen.getByTestId("degraded")).toHaveTextContent("Extractive draft");
    expect(screen.getByTestId("confidence")).toHaveTextContent("Low (40 %)");
    expect(screen.getByTestId("next-action")).toHaveTextContent("confidence is low");
    unmount();
    const failed = suggestion({ provider: "extractive", model: "extractive" });
    failed.flags = { injection_suspected: false, repaired_output: false, fallback_reason: "llm_unavailable: Timeout" };
    renderPanel(done(failed));
    expect(screen.getByTestId("degraded")).toHaveTextContent("Degraded: the language model failed");
    expect(screen.getByTestId("degraded")).toHaveTextContent("llm_unavailable: Timeout");
  });

  test("handoff: a scam in progress is an alert naming the risk, the team and what to do first", () => {
    renderPanel(done({ ...scamSuggestion(), citations: [suggestion().citations?.[0] ?? { doc_id: "x", title: "x", quote: "" }] }));
    expect(screen.queryByTestId("internal-note")).not.toBeInTheDocument();
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("Possible scam in progress: hand over now");
    expect(alert).toHaveTextContent("team: FRAUD-P1");
    expect(alert).toHaveTextContent("Message for the customer: Freeze your card and call us now.");
    expect(screen.getByTestId("risks")).toHaveTextContent("Scam in progress 99 %");
    expect(screen.getByTestId("next-action")).toHaveTextContent(
      "Stop: make sure no payment goes ahead, then hand over to the FRAUD-P1 team, following proc-fraud-scam-escalation.",
    );
  });

  test("error: the problem is readable with its request id and offers to regenerate", async () => {
    const problem = new ApiProblem({
      type: "https://errors.kestrel.example/llm-unavailable",
      title: "No model available",
      status: 503,
      detail: "No provider could answer; retry shortly.",
      request_id: "9f2c0b",
    });
    const { props } = renderPanel({ status: "failed", text: "Your", problem });
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("No model available (HTTP 503)");
    expect(alert).toHaveTextContent("No provider could answer; retry shortly.");
    expect(within(alert).getByTestId("request-id")).toHaveTextContent("9f2c0b");
    await userEvent.click(within(alert).getByRole("button", { name: "Regenerate" }));
    expect(props.onSuggest).toHaveBeenCalledOnce();
  });

  test("feedback sent: the verdict is confirmed; a rejection needs a reason", async () => {
    const sent: FeedbackStatus = { status: "sent", verdict: "rejected", reason: "outdated" };
    const onReject = vi.fn();
    const onRejectOpenChange = vi.fn();
    const { rerender, props } = renderPanel(done(suggestion()), { feedback: sent, onReject, onRejectOpenChange });
    expect(screen.getByTestId("feedback-sent")).toHaveTextContent("Feedback sent: rejected (outdated).");

    rerender(<SuggestionPanel {...props} feedback={{ status: "none" }} rejectOpen />);
    const submit = screen.getByRole("button", { name: "Send rejection" });
    expect(submit).toBeDisabled();
    expect(screen.getByLabelText("Incorrect")).toHaveFocus();
    await userEvent.click(screen.getByLabelText("Out of date"));
    await userEvent.type(screen.getByLabelText("Comment (optional)"), "fee changed");
    await userEvent.click(submit);
    expect(onReject).toHaveBeenCalledWith("outdated", "fee changed");
    expect(onRejectOpenChange).toHaveBeenCalledWith(false);
  });

  test("a draft for an older version of the conversation cannot be inserted", () => {
    renderPanel(done(suggestion()), { stale: true });
    expect(screen.getByRole("note")).toHaveTextContent("The conversation changed after this draft was written");
    expect(screen.getByRole("button", { name: /Insert into reply/ })).toBeDisabled();
  });
});
