import { useCallback, useEffect, useReducer, useRef } from "react";

import { asProblem, isAbort } from "./problem";
import { postStream } from "./sse";
import { initialStream, streamReducer, type StreamState } from "./streamState";

export interface StreamControls<B, T> {
  state: StreamState<T>;
  /** Start a generation (an earlier one still running is aborted first). Resolves with the result or null. */
  start: (body: B) => Promise<T | null>;
  stop: () => void;
  reset: () => void;
}

/** One streamed endpoint, bound to an API key; the request is aborted on unmount. */
export function useStream<B, T>(path: string, apiKey: string): StreamControls<B, T> {
  const [state, dispatch] = useReducer(streamReducer<T>, undefined, initialStream<T>);
  const controller = useRef<AbortController | null>(null);

  const stop = useCallback(() => {
    controller.current?.abort();
    controller.current = null;
  }, []);

  useEffect(() => stop, [stop]);

  const start = useCallback(
    async (body: B): Promise<T | null> => {
      controller.current?.abort();
      const mine = new AbortController();
      controller.current = mine;
      dispatch({ type: "start", at: performance.now() });
      try {
        const result = await postStream<T>(path, body, {
          apiKey,
          signal: mine.signal,
          onDelta: (text) => {
            if (!mine.signal.aborted) dispatch({ type: "delta", text, at: performance.now() });
          },
        });
        if (mine.signal.aborted) return null;
        dispatch({ type: "result", result });
        return result;
      } catch (error) {
        if (isAbort(error) || mine.signal.aborted) {
          // Superseded by a newer start: that one owns the state now.
          const current = controller.current as AbortController | null;
          if (current === mine || current === null) dispatch({ type: "abort" });
          return null;
        }
        dispatch({ type: "error", problem: asProblem(error) });
        return null;
      } finally {
        if (controller.current === mine) controller.current = null;
      }
    },
    [path, apiKey],
  );

  const reset = useCallback(() => {
    stop();
    dispatch({ type: "reset" });
  }, [stop]);

  return { state, start, stop, reset };
}
