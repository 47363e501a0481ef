/**
 * A small client for the service's streamed POST endpoints (`?stream=true`, Server-Sent Events).
 *
 * Events: `delta` ({text}) zero or more times, then exactly one `result` (the full response, which is
 * authoritative and supersedes the deltas) or one `error` (a problem document). Comments are keep-alives.
 * POSTs are never retried here: a retry would run the model again, so that is the user's decision.
 * Aborting the signal cancels the request and the body reader; the promise rejects with an AbortError.
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";

import { ApiProblem, problemFromResponse, problemOf } from "./problem";

export interface StreamOptions {
  apiKey: string;
  signal?: AbortSignal;
  /** Called with each text delta as it arrives. */
  onDelta?: (text: string) => void;
  /** Called once the response headers arrived (the stream is open). */
  onOpen?: (requestId: string | null) => void;
  fetchImpl?: typeof fetch;
}

type Outcome<T> = { kind: "result"; value: T } | { kind: "error"; problem: ApiProblem };

function parseData(message: EventSourceMessage): unknown {
  try {
    return JSON.parse(message.data) as unknown;
  } catch {
    throw new ApiProblem({
      type: "local:stream",
      title: "Unreadable stream",
      status: 0,
      detail: `The service sent a '${message.event ?? "message"}' event that is not JSON.`,
    });
  }
}

/** POST `body` to `path` with `?stream=true` and resolve with the `result` event's payload. */
export async function postStream<T>(path: string, body: unknown, options: StreamOptions): Promise<T> {
  const doFetch = options.fetchImpl ?? fetch;
  const separator = path.includes("?") ? "&" : "?";
  const response = await doFetch(`${path}${separator}stream=true`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${options.apiKey}`,
      "Content-Type": "application/json",
      Accept: "text/event-stream",
    },
    body: JSON.stringify(body),
    signal: options.signal,
  });
  const requestId = response.headers.get("x-request-id");
  if (!response.ok) throw await problemFromResponse(response);
  options.onOpen?.(requestId);
  if (!(response.headers.get("content-type") ?? "").includes("text/event-stream")) {
    return (await response.json()) as T; // a server that answered in one piece: the result itself
  }
  if (response.body === null) throw problemOf(null, response.status, requestId);

  // Set by the parser's callback; a holder object, since the compiler does not follow callbacks.
  const seen: { outcome: Outcome<T> | null; failure: Error | null } = { outcome: null, failure: null };
  const parser = createParser({
    onEvent(message) {
      if (seen.outcome !== null || seen.failure !== null) return;
      try {
        if (message.event === "delta") {
          const data = parseData(message) as { text?: unknown };
          if (typeof data.text === "string" && data.text) options.onDelta?.(data.text);
        } else if (message.event === "result") {
          seen.outcome = { kind: "result", value: parseData(message) as T };
        } else if (message.event === "error") {
          seen.outcome = { kind: "error", problem: problemOf(parseData(message), 500, requestId) };
        }
      } catch (error) {
        seen.failure = error instanceof Error ? error : new Error(String(error));
      }
    },
  });

  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  // fetch's own abort covers a real network stream; this covers any body, so stopping never waits on it.
  const cancel = () => void reader.cancel().catch(() => undefined);
  options.signal?.addEventListener("abort", cancel, { once: true });
  try {
    while (seen.outcome === null && seen.failure === null) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.feed(value);
    }
  } finally {
    // Nothing more is needed after the result (or on abort): release the connection now.
    options.signal?.removeEventListener("abort", cancel);
    await reader.cancel().catch(() => undefined);
  }
  if (options.signal?.aborted) throw new DOMException("The stream was stopped.", "AbortError");
  if (seen.failure !== null) throw seen.failure;
  const ended = seen.outcome;
  if (ended === null) {
    throw new ApiProblem({
      type: "local:stream",
      title: "The stream broke off",
      status: 0,
      detail: "The connection closed before the result arrived. Regenerate to try again.",
      request_id: requestId,
    });
  }
  if (ended.kind === "error") throw ended.problem;
  return ended.value;
}
