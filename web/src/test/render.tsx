import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";

/** Render with a fresh query client (no retries), as main.tsx does. */
export function renderWithQuery(ui: ReactElement) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return render(<QueryClientProvider client={client}>{ui}</QueryClientProvider>);
}

/** The URL and method of a fetch call, whether made with a Request or with (url, init). */
export function describeCall(input: RequestInfo | URL, init?: RequestInit): { url: string; method: string } {
  if (input instanceof Request) return { url: new URL(input.url).pathname + new URL(input.url).search, method: input.method };
  return { url: String(input), method: init?.method ?? "GET" };
}
