import { describe, expect, test } from "vitest";

import { parseConversation } from "./conversation";

describe("parseConversation", () => {
  test("reads prefixed lines, joining continuation lines to the turn above", () => {
    expect(parseConversation("Customer: my card\nhas not come\nAgent: sorry\n\ncustomer: thanks")).toEqual([
      { role: "customer", text: "my card\nhas not come" },
      { role: "agent", text: "sorry" },
      { role: "customer", text: "thanks" },
    ]);
  });

  test("reads JSON in the API's shape", () => {
    const json = JSON.stringify({ conversation: [{ role: "customer", text: " hi " }] });
    expect(parseConversation(json)).toEqual([{ role: "customer", text: "hi" }]);
  });

  test.each([
    ["", "Paste a conversation first."],
    ["hello there", "Start each turn with 'Customer:' or 'Agent:'."],
    ["Agent: hello", "The conversation needs at least one customer turn."],
    ["{nope", "That looks like JSON but does not parse."],
    ['[{"role": "bot", "text": "x"}]', "Turn 1 needs a role ('customer' or 'agent') and a text."],
  ])("refuses %j with a clear message", (input, message) => {
    expect(() => parseConversation(input)).toThrow(message);
  });
});
