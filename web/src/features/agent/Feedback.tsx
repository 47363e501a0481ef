import { useEffect, useId, useRef, useState, type SubmitEvent } from "react";

import type { ApiProblem } from "../../api/problem";
import { ProblemNotice } from "../../components/ProblemNotice";

export type Verdict = "accepted" | "edited" | "rejected";
export type RejectReason = "incorrect" | "incomplete" | "outdated" | "inappropriate" | "other";

export type FeedbackStatus =
  | { status: "none" }
  | { status: "sending"; verdict: Verdict }
  | { status: "sent"; verdict: Verdict; reason?: RejectReason | null }
  | { status: "failed"; verdict: Verdict; problem: ApiProblem };

const REASONS: { value: RejectReason; label: string }[] = [
  { value: "incorrect", label: "Incorrect" },
  { value: "incomplete", label: "Incomplete" },
  { value: "outdated", label: "Out of date" },
  { value: "inappropriate", label: "Inappropriate for this customer" },
  { value: "other", label: "Other" },
];

const SENT: Record<Verdict, string> = {
  accepted: "Feedback sent: accepted.",
  edited: "Feedback sent: edited (the text you sent is stored with it).",
  rejected: "Feedback sent: rejected",
};

/** Accept, or reject with a required reason; the verdict is stored through /v1/feedback. */
export function FeedbackControls({
  status,
  onAccept,
  onReject,
  rejectOpen,
  onRejectOpenChange,
}: {
  status: FeedbackStatus;
  onAccept: () => void;
  onReject: (reason: RejectReason, comment: string) => void;
  rejectOpen: boolean;
  onRejectOpenChange: (open: boolean) => void;
}) {
  const id = useId();
  const rejectButton = useRef<HTMLButtonElement>(null);
  const firstReason = useRef<HTMLInputElement>(null);
  const [reason, setReason] = useState<RejectReason | null>(null);
  const [comment, setComment] = useState("");
  const wasOpen = useRef(false);

  useEffect(() => {
    if (rejectOpen) firstReason.current?.focus();
    else if (wasOpen.current) rejectButton.current?.focus(); // focus returns to where the agent was
    wasOpen.current = rejectOpen;
  }, [rejectOpen]);

  function submit(event: SubmitEvent) {
    event.preventDefault();
    if (reason === null) return;
    onReject(reason, comment.trim());
    onRejectOpenChange(false);
  }

  const busy = status.status === "sending";
  return (
    <div className="feedback">
      <div className="button-row" role="group" aria-label="Feedback on this suggestion">
        <button type="button" onClick={onAccept} disabled={busy} aria-keyshortcuts="Alt+A">
          Accept <kbd>Alt+A</kbd>
        </button>
        <button
          type="button"
          ref={rejectButton}
          onClick={() => onRejectOpenChange(!rejectOpen)}
          disabled={busy}
          aria-expanded={rejectOpen}
          aria-controls={`${id}-reject`}
          aria-keyshortcuts="Alt+X"
        >
          Reject… <kbd>Alt+X</kbd>
        </button>
      </div>
      {rejectOpen ? (
        <form
          id={`${id}-reject`}
          className="reject-form card"
          onSubmit={submit}
          aria-label="Reject the suggestion"
        >
          <fieldset>
            <legend>Why is this suggestion wrong?</legend>
            {REASONS.map((r, i) => (
              <label key={r.value} className="radio">
                <input
                  ref={i === 0 ? firstReason : undefined}
                  type="radio"
                  name={`${id}-reason`}
                  value={r.value}
                  checked={reason === r.value}
                  onChange={() => setReason(r.value)}
                  required
                />
                {r.label}
              </label>
            ))}
          </fieldset>
          <label htmlFor={`${id}-comment`}>Comment (optional)</label>
          <textarea id={`${id}-comment`} rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
          <div className="button-row">
            <button type="submit" className="primary" disabled={reason === null}>
              Send rejection
            </button>
            <button type="button" onClick={() => onRejectOpenChange(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
      <div role="status" aria-live="polite" className="feedback-status">
        {status.status === "sending" ? "Sending feedback…" : null}
        {status.status === "sent" ? (
          <span data-testid="feedback-sent">
            {SENT[status.verdict]}
            {status.verdict === "rejected" && status.reason ? ` (${status.reason}).` : null}
          </span>
        ) : null}
      </div>
      {status.status === "failed" ? <ProblemNotice problem={status.problem} /> : null}
    </div>
  );
}
