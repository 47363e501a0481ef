/** Builders for what the service returns, and a fetch that plays back an SSE stream. */
import type { Answer, Suggestion, TriageResult } from "../api/client";

export function triage(overrides: Partial<TriageResult> = {}): TriageResult {
  return {
    surface: "agent",
    intent: [{ intent: "card_not_arrived", area: "cards", probability: 0.81 }],
    area: "cards",
    risks: [
      { risk: "scam_in_progress", probability: 0.01, threshold: 0.1, detected: false, source: "model" },
      { risk: "complaint", probability: 0.02, threshold: 0.2, detected: false, source: "model" },
    ],
    urgency: "routine",
    urgency_probability: 0.9,
    request: "question",
    request_probability: 0.9,
    answerable: true,
    answerable_probability: 0.9,
    language: "en",
    language_confidence: 0.99,
    handoff: { needed: false, reason: null, cause: null, decided_by: [] },
    procedure: null,
    team: null,
    model_version: "triage-test",
    latency_ms: 3,
    ...overrides,
  };
}

export function suggestion(overrides: Partial<Suggestion> = {}): Suggestion {
  return {
    id: "0d9c5d7e-2f64-4a55-9d43-8c1c6f0e0a11",
    provider: "openai",
    model: "gpt-test",
    prompt: { id: "suggest_reply", version: "3" },
    usage: { prompt_tokens: 100, completion_tokens: 40, cost: 0.001 },
    latency_ms: 420,
    draft: "Your new card should arrive within 3 to 5 working days.",
    citations: [
      {
        doc_id: "card-delivery",
        title: "When will my card arrive?",
        url: "https://help.example/card-delivery",
        quote: "New debit cards arrive within 3 to 5 working days.",
      },
      { doc_id: "proc-card-replacement-overrides", title: "Card replacement overrides", url: null, quote: "" },
      { doc_id: "res-0001", title: "Card not arrived after ten days", url: null, quote: "Ordered a replacement." },
    ],
    confidence: 0.82,
    handoff: { needed: false, reason: null, message: null },
    intent: "card_not_arrived",
    curated_answer_id: null,
    flags: {
      dropped_citations: [],
      ungrounded_sentences: [],
      injection_suspected: false,
      pii_masked: [],
      repaired_output: false,
      fallback_reason: null,
    },
    triage: triage(),
    ...overrides,
  };
}

export function scamSuggestion(): Suggestion {
  return suggestion({
    handoff: { needed: true, reason: "sensitive_topic", message: "Freeze your card and call us now." },
    triage: triage({
      risks: [{ risk: "scam_in_progress", probability: 0.99, threshold: 0.1, detected: true, source: "model" }],
      urgency: "now",
      handoff: { needed: true, reason: "sensitive_topic", cause: "scam_in_progress", decided_by: [] },
      team: "FRAUD-P1",
      procedure: "proc-fraud-scam-escalation",
    }),
  });
}

export function answer(overrides: Partial<Answer> = {}): Answer {
  return {
    id: "7b1f2c1a-5a0e-4a43-8a2b-4e0f0f6f1c22",
    provider: "extractive",
    model: "extractive",
    prompt: { id: "answer", version: "1" },
    usage: { prompt_tokens: 0, completion_tokens: 0, cost: 0 },
    latency_ms: 12,
    answer: "New debit cards arrive within 3 to 5 working days.",
    citations: [{ doc_id: "card-delivery", title: "When will my card arrive?", url: "https://help.example/c", quote: "" }],
    confidence: 0.8,
    handoff: { needed: false, reason: null, message: null },
    ...overrides,
  };
}

/** SSE text for `events`, with a keep-alive comment between each. */
export function sseBody(events: [string, unknown][]): string {
  return events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join(": keep-alive\n\n");
}

/** A Response streaming `text` in small chunks (so events straddle chunk boundaries). */
export function sseResponse(text: string, chunk = 7, headers: Record<string, string> = {}): Response {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + chunk));
      offset += chunk;
    },
  });
  return new Response(stream, {
    status: 200,
    headers: { "content-type": "text/event-stream", "x-request-id": "req-stream-1", ...headers },
  });
}

export function problemResponse(status: number, title: string, detail: string, requestId = "req-problem-1"): Response {
  const body = { type: `https://errors.kestrel.example/x`, title, status, detail, instance: "/v1/x", request_id: requestId };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/problem+json", "x-request-id": requestId },
  });
}
