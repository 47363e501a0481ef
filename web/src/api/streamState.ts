/**
 * The state of one streamed generation, as a pure reducer (no React): the UI renders it, tests drive it.
 *
 * idle -> streaming (text grows with each delta) -> done (result) | failed (problem) | stopped (aborted).
 * A `start` always begins afresh, so a regeneration never mixes its text with the previous one.
 */
import type { ApiProblem } from "./problem";

export type StreamState<T> =
  | { status: "idle" }
  | { status: "streaming"; text: string; startedAt: number; firstDeltaAt: number | null }
  | { status: "done"; text: string; result: T }
  | { status: "failed"; text: string; problem: ApiProblem }
  | { status: "stopped"; text: string };

export type StreamAction<T> =
  | { type: "start"; at: number }
  | { type: "delta"; text: string; at: number }
  | { type: "result"; result: T }
  | { type: "error"; problem: ApiProblem }
  | { type: "abort" }
  | { type: "reset" };

export function initialStream<T>(): StreamState<T> {
  return { status: "idle" };
}

export function streamReducer<T>(state: StreamState<T>, action: StreamAction<T>): StreamState<T> {
  switch (action.type) {
    case "start":
      return { status: "streaming", text: "", startedAt: action.at, firstDeltaAt: null };
    case "delta":
      if (state.status !== "streaming") return state;
      return { ...state, text: state.text + action.text, firstDeltaAt: state.firstDeltaAt ?? action.at };
    case "result":
      if (state.status !== "streaming") return state;
      return { status: "done", text: state.text, result: action.result };
    case "error":
      if (state.status !== "streaming") return state;
      return { status: "failed", text: state.text, problem: action.problem };
    case "abort":
      if (state.status !== "streaming") return state;
      return { status: "stopped", text: state.text };
    case "reset":
      return { status: "idle" };
  }
}
