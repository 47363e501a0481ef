import type { ApiProblem } from "../api/problem";

const HINTS: Record<number, string> = {
  401: "Check the API key you signed in with.",
  403: "This key does not have the scope this screen needs.",
  429: "Too many requests: wait a moment, then try again.",
  503: "The service is temporarily unavailable: try again shortly.",
};

/** An API problem as a readable message with its request id: never a blank panel. */
export function ProblemNotice({
  problem,
  onRetry,
  retryLabel = "Try again",
}: {
  problem: ApiProblem;
  onRetry?: () => void;
  retryLabel?: string;
}) {
  const doc = problem.problem;
  const hint = HINTS[doc.status];
  return (
    <div className="notice notice-error" role="alert" data-testid="problem">
      <p className="notice-title">
        {doc.title}
        {doc.status > 0 ? <span className="muted"> (HTTP {doc.status})</span> : null}
      </p>
      <p>{doc.detail}</p>
      {doc.errors && doc.errors.length > 0 ? (
        <ul className="field-errors">
          {doc.errors.map((e) => (
            <li key={`${e.field}:${e.message}`}>
              <code>{e.field}</code>: {e.message}
            </li>
          ))}
        </ul>
      ) : null}
      {hint ? <p>{hint}</p> : null}
      {doc.request_id ? (
        <p className="muted">
          Request id: <code data-testid="request-id">{doc.request_id}</code>
        </p>
      ) : null}
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          {retryLabel}
        </button>
      ) : null}
    </div>
  );
}
