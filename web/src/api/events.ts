/**
 * A live GET event stream (the routing service's `/v1/agents/{id}/events`), kept open until aborted.
 *
 * A dropped connection is reopened after a pause, sending the last event id back (`Last-Event-ID`), so no
 * event is lost or repeated. A problem answer (a wrong key, an unknown agent) ends the subscription:
 * retrying would fail the same way.
 */
import { createParser } from "eventsource-parser";

import { isAbort, problemFromResponse, type ApiProblem } from "./problem";

export type LiveState = { status: "connecting" } | { status: "live" } | { status: "retrying" } | { status: "failed"; problem: ApiProblem };

export interface SubscribeOptions {
  apiKey: string;
  signal: AbortSignal;
  onEvent: (kind: string, data: unknown) => void;
  onState: (state: LiveState) => void;
  retryMs?: number;
  fetchImpl?: typeof fetch;
}

export async function subscribe(path: string, options: SubscribeOptions): Promise<void> {
  const doFetch = options.fetchImpl ?? fetch;
  // Holders, since the compiler does not see the parser's callback or the abort change them.
  const cursor: { lastId: string | null } = { lastId: null };
  const stopped = () => options.signal.aborted;
  while (!stopped()) {
    options.onState({ status: cursor.lastId === null ? "connecting" : "retrying" });
    try {
      const headers: Record<string, string> = { Authorization: `Bearer ${options.apiKey}`, Accept: "text/event-stream" };
      if (cursor.lastId !== null) headers["Last-Event-ID"] = cursor.lastId;
      const response = await doFetch(path, { headers, signal: options.signal });
      if (!response.ok) {
        const problem = await problemFromResponse(response);
        if (response.status < 500) {
          options.onState({ status: "failed", problem });
          return;
        }
        throw problem;
      }
      if (response.body === null) throw new Error("empty event stream");
      options.onState({ status: "live" });
      const parser = createParser({
        onEvent(message) {
          if (message.id) cursor.lastId = message.id;
          let data: unknown = null;
          try {
            data = JSON.parse(message.data) as unknown;
          } catch {
            data = message.data;
          }
          options.onEvent(message.event ?? "message", data);
        },
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      const cancel = () => void reader.cancel().catch(() => undefined);
      options.signal.addEventListener("abort", cancel, { once: true });
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.feed(value);
        }
      } finally {
        options.signal.removeEventListener("abort", cancel);
      }
    } catch (error) {
      // A network failure or a 5xx is retried like a dropped stream; stopping is not.
      if (isAbort(error) || stopped()) return;
    }
    if (stopped()) return;
    options.onState({ status: "retrying" });
    await new Promise((resolve) => setTimeout(resolve, options.retryMs ?? 2000));
  }
}
