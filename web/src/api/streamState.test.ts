import { describe, expect, test } from "vitest";

import { ApiProblem } from "./problem";
import { initialStream, streamReducer, type StreamState } from "./streamState";

describe("streamReducer", () => {
  test("deltas accumulate, the first one is timed, and the result ends the stream", () => {
    let s: StreamState<string> = streamReducer(initialStream<string>(), { type: "start", at: 10 });
    s = streamReducer(s, { type: "delta", text: "Hel", at: 25 });
    s = streamReducer(s, { type: "delta", text: "lo", at: 30 });
    expect(s).toEqual({ status: "streaming", text: "Hello", startedAt: 10, firstDeltaAt: 25 });
    s = streamReducer(s, { type: "result", result: "final" });
    expect(s).toEqual({ status: "done", text: "Hello", result: "final" });
    expect(streamReducer(s, { type: "delta", text: "late", at: 40 })).toBe(s);
  });

  test("a new start forgets the previous text; errors and aborts only end a running stream", () => {
    const problem = new ApiProblem({ type: "t", title: "T", status: 500, detail: "d" });
    const running = streamReducer(streamReducer(initialStream<string>(), { type: "start", at: 0 }), { type: "delta", text: "a", at: 1 });
    expect(streamReducer(running, { type: "error", problem })).toMatchObject({ status: "failed", text: "a" });
    expect(streamReducer(running, { type: "abort" })).toEqual({ status: "stopped", text: "a" });
    expect(streamReducer(running, { type: "start", at: 5 })).toMatchObject({ status: "streaming", text: "" });
    expect(streamReducer(initialStream<string>(), { type: "abort" })).toEqual({ status: "idle" });
  });
});
