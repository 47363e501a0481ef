/**
 * The typed client (openapi-fetch over the generated `paths`), one per API key: no shared mutable state.
 * Every non-2xx answer is thrown as an {@link ApiProblem}, so callers (TanStack Query) see one error type.
 */
import createClient, { type Middleware } from "openapi-fetch";

import { problemFromResponse } from "./problem";
import type { components, paths } from "./schema.gen";

export type Schemas = components["schemas"];
export type Suggestion = Schemas["Suggestion"];
export type Answer = Schemas["Answer"];
export type Summary = Schemas["Summary"];
export type Citation = Schemas["Citation"];
export type ConversationTurn = Schemas["ConversationTurn"];
export type TriageResult = Schemas["TriageResult"];
export type FeedbackIn = Schemas["FeedbackIn"];
export type FeedbackOut = Schemas["FeedbackOut"];
export type SearchResponse = Schemas["SearchResponse"];
export type SearchHit = Schemas["SearchHitOut"];

type JsonBody<P extends keyof paths> = paths[P] extends {
  post: { requestBody: { content: { "application/json": infer B } } };
}
  ? B
  : never;

export type SuggestionRequest = JsonBody<"/v1/suggestions">;
export type AnswerRequest = JsonBody<"/v1/answers">;
export type SummaryRequest = JsonBody<"/v1/summaries">;

export type ApiClient = ReturnType<typeof createApiClient>;

/** A client that authenticates with `apiKey` (sent as a Bearer header, never in a URL). */
export function createApiClient(apiKey: string, options: { baseUrl?: string; fetchImpl?: typeof fetch } = {}) {
  const client = createClient<paths>({
    baseUrl: options.baseUrl ?? globalThis.location.origin,
    ...(options.fetchImpl ? { fetch: options.fetchImpl } : {}),
  });
  const auth: Middleware = {
    onRequest({ request }) {
      request.headers.set("Authorization", `Bearer ${apiKey}`);
      return request;
    },
    async onResponse({ response }) {
      if (!response.ok) throw await problemFromResponse(response.clone());
      return response;
    },
  };
  client.use(auth);
  return client;
}

/** The data of an openapi-fetch result (its errors are already thrown by the middleware). */
export function dataOf<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) {
    throw new Error(`The service answered ${result.response.status} without a body.`);
  }
  return result.data;
}
