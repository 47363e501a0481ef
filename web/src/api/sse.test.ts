import { describe, expect, test, vi } from "vitest";

import { answer, problemResponse, sseBody, sseResponse } from "../test/fixtures";
import { ApiProblem, isAbort } from "./problem";
import { postStream } from "./sse";

describe("postStream", () => {
  test("hands each delta over in order and resolves with the result", async () => {
    const result = answer();
    const fetchImpl = vi.fn<typeof fetch>().mockResolvedValue(
      sseResponse(sseBody([["delta", { text: "New " }], ["delta", { text: "cards " }], ["result", result]]), 5),
    );
    const deltas: string[] = [];
    const got = await postStream("/v1/answers", { question: "q" }, { apiKey: "k1", fetchImpl, onDelta: (t) => deltas.push(t) });
    expect(got).toEqual(result);
    expect(deltas).toEqual(["New ", "cards "]);
    const [url, init] = fetchImpl.mock.calls[0] ?? [];
    expect(url).toBe("/v1/answers?stream=true");
    expect(new Headers(init?.headers).get("authorization")).toBe("Bearer k1");
    expect(url).not.toContain("k1");
    expect(init?.method).toBe("POST");
  });

  test("an error event rejects with its problem document", async () => {
    const problem = { type: "t", title: "Store unavailable", status: 503, detail: "retry", instance: "/v1/answers", request_id: "r-9" };
    const fetchImpl = vi.fn<typeof fetch>().mockResolvedValue(sseResponse(sseBody([["delta", { text: "a" }], ["error", problem]])));
    const error = await postStream("/v1/answers", {}, { apiKey: "k", fetchImpl }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiProblem);
    expect((error as ApiProblem).problem.title).toBe("Store unavailable");
    expect((error as ApiProblem).requestId).toBe("r-9");
  });

  test("a problem response before the stream opens rejects with that problem", async () => {
    const fetchImpl = vi.fn<typeof fetch>().mockResolvedValue(problemResponse(401, "Authentication required", "bad key", "r-401"));
    const error = await postStream("/v1/suggestions", {}, { apiKey: "k", fetchImpl }).catch((e: unknown) => e);
    expect((error as ApiProblem).status).toBe(401);
    expect((error as ApiProblem).requestId).toBe("r-401");
  });

  test("a stream that ends without a result is a readable problem, not a hang", async () => {
    const fetchImpl = vi.fn<typeof fetch>().mockResolvedValue(sseResponse(sseBody([["delta", { text: "half" }]])));
    const error = await postStream("/v1/answers", {}, { apiKey: "k", fetchImpl }).catch((e: unknown) => e);
    expect((error as ApiProblem).problem.title).toBe("The stream broke off");
    expect((error as ApiProblem).requestId).toBe("req-stream-1");
  });

  test("aborting cancels the body and rejects as an abort", async () => {
    const controller = new AbortController();
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('event: delta\ndata: {"text":"x"}\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    const fetchImpl = vi
      .fn<typeof fetch>()
      .mockResolvedValue(new Response(stream, { headers: { "content-type": "text/event-stream" } }));
    const pending = postStream("/v1/answers", {}, {
      apiKey: "k",
      fetchImpl,
      signal: controller.signal,
      onDelta: () => controller.abort(),
    }).catch((e: unknown) => e);
    const error = await pending;
    expect(cancelled).toBe(true);
    expect(isAbort(error)).toBe(true);
  });
});
