import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, test, vi } from "vitest";

import { answer, sseBody, sseResponse } from "../../test/fixtures";
import { renderWithQuery } from "../../test/render";
import { CustomerChat } from "./CustomerChat";

afterEach(() => {
  vi.unstubAllGlobals();
});

function serveAnswers(...answers: ReturnType<typeof answer>[]) {
  const bodies: unknown[] = [];
  let i = 0;
  vi.stubGlobal(
    "fetch",
    vi.fn((_url: string, init?: RequestInit) => {
      bodies.push(JSON.parse(init?.body as string));
      const next = answers[i++] ?? answer();
      return Promise.resolve(sseResponse(sseBody([["delta", { text: next.answer }], ["result", next]])));
    }),
  );
  return bodies;
}

describe("the customer chat", () => {
  test("an answer shows its cited help articles, and the next question carries the history", async () => {
    const bodies = serveAnswers(answer(), answer({ answer: "You can track it in the app." }));
    const user = userEvent.setup();
    renderWithQuery(<CustomerChat apiKey="customer-key" />);
    await user.type(screen.getByLabelText("Your question"), "When will my card come?{Enter}");
    const citations = await screen.findByTestId("citations");
    expect(citations).toHaveTextContent("When will my card arrive?");
    expect(screen.queryByTestId("handover")).not.toBeInTheDocument();

    await user.type(screen.getByLabelText("Your question"), "Can I track it?{Enter}");
    await screen.findByText("You can track it in the app.");
    expect(bodies[1]).toEqual({
      question: "Can I track it?",
      history: [
        { role: "customer", text: "When will my card come?" },
        { role: "agent", text: answer().answer },
      ],
    });
  });

  test("a handover says a person will take over, with the API's message", async () => {
    const message = "Please call us now on 0300 555 0199; don't move any money.";
    serveAnswers(answer({ answer: message, citations: [], handoff: { needed: true, reason: "sensitive_topic", message } }));
    const user = userEvent.setup();
    renderWithQuery(<CustomerChat apiKey="customer-key" />);
    await user.click(screen.getByRole("button", { name: "Talk to a person" }));
    const handover = await screen.findByTestId("handover");
    expect(handover).toHaveTextContent("I'll pass you to a member of our team.");
    expect(screen.getByRole("log", { name: "Chat" })).toHaveTextContent(message);
    expect(screen.getByRole("button", { name: "Talk to a person" })).toBeDisabled();
    expect(screen.getByRole("status")).toHaveTextContent("A member of our team will continue this chat.");
  });
});
