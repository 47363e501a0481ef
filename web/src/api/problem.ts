/**
 * Problem documents (RFC 9457, `application/problem+json`): every error the service returns is one,
 * with a stable `type`, a readable `detail` and the `request_id` to quote when reporting it.
 * Failures that never reached the service (network down, aborted) become local problems of status 0.
 */

export interface FieldProblem {
  field: string;
  message: string;
  type?: string;
}

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  request_id?: string | null;
  errors?: FieldProblem[];
  [extra: string]: unknown;
}

export class ApiProblem extends Error {
  readonly problem: ProblemDocument;

  constructor(problem: ProblemDocument) {
    super(`${problem.title}: ${problem.detail}`);
    this.name = "ApiProblem";
    this.problem = problem;
  }

  get status(): number {
    return this.problem.status;
  }

  get requestId(): string | null {
    return this.problem.request_id ?? null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether `value` has the fields every problem document carries. */
export function isProblemDocument(value: unknown): value is ProblemDocument {
  return (
    isRecord(value) &&
    typeof value.title === "string" &&
    typeof value.status === "number" &&
    typeof value.detail === "string"
  );
}

/** A problem of the service, or one made up here when the body is not a problem document. */
export function problemOf(body: unknown, status: number, requestId: string | null): ApiProblem {
  if (isProblemDocument(body)) {
    return new ApiProblem({ ...body, request_id: body.request_id ?? requestId });
  }
  return new ApiProblem({
    type: "about:blank",
    title: `HTTP ${status}`,
    status,
    detail: "The service answered with an error that is not a problem document.",
    request_id: requestId,
  });
}

/** Read a failed response's body as a problem (a non-JSON body still gives a readable problem). */
export async function problemFromResponse(response: Response): Promise<ApiProblem> {
  const requestId = response.headers.get("x-request-id");
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  return problemOf(body, response.status, requestId);
}

/** Any thrown value as a problem: network failures and bugs get a readable message too. */
export function asProblem(error: unknown): ApiProblem {
  if (error instanceof ApiProblem) return error;
  if (error instanceof DOMException && error.name === "AbortError") {
    return new ApiProblem({ type: "local:aborted", title: "Stopped", status: 0, detail: "The request was stopped." });
  }
  if (error instanceof TypeError) {
    return new ApiProblem({
      type: "local:network",
      title: "The service cannot be reached",
      status: 0,
      detail: "The request did not reach the service (network or server down). Try again in a moment.",
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ApiProblem({ type: "local:client", title: "Unexpected error", status: 0, detail: message });
}

export function isAbort(error: unknown): boolean {
  return (
    (error instanceof DOMException && error.name === "AbortError") ||
    (error instanceof ApiProblem && error.problem.type === "local:aborted")
  );
}
