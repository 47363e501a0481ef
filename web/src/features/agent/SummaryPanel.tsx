import { useState } from "react";

import type { Summary } from "../../api/client";
import type { StreamState } from "../../api/streamState";
import { ProblemNotice } from "../../components/ProblemNotice";

/** The handover summary as plain text, for pasting into a case note or a transfer. */
export function summaryText(summary: Summary): string {
  const lines = [`Issue: ${summary.issue}`, `Status: ${summary.status}`, `Customer sentiment: ${summary.customer_sentiment}`];
  lines.push("", summary.summary);
  const actions = summary.actions_taken ?? [];
  const steps = summary.next_steps ?? [];
  if (actions.length) lines.push("", "Actions taken:", ...actions.map((a) => `- ${a}`));
  if (steps.length) lines.push("", "Next steps:", ...steps.map((s) => `- ${s}`));
  return lines.join("\n");
}

export function SummaryPanel({
  state,
  disabled,
  onSummarise,
  onStop,
  copy,
}: {
  state: StreamState<Summary>;
  disabled: boolean;
  onSummarise: () => void;
  onStop: () => void;
  copy: (text: string) => Promise<void>;
}) {
  const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");
  const streaming = state.status === "streaming";
  const result = state.status === "done" ? state.result : null;

  async function doCopy(summary: Summary) {
    try {
      await copy(summaryText(summary));
      setCopied("copied");
    } catch {
      setCopied("failed");
    }
  }

  return (
    <section className="panel" aria-labelledby="summary-title" aria-busy={streaming}>
      <div className="panel-head">
        <h2 id="summary-title">Handover summary</h2>
        {streaming ? (
          <button type="button" onClick={onStop}>
            Stop
          </button>
        ) : (
          <button
            type="button"
            onClick={() => {
              setCopied("idle");
              onSummarise();
            }}
            disabled={disabled}
            aria-keyshortcuts="Alt+U"
          >
            Summarise <kbd>Alt+U</kbd>
          </button>
        )}
      </div>
      {streaming ? (
        <p className="draft draft-streaming" role="status">
          {state.text || "Summarising…"}
        </p>
      ) : null}
      {state.status === "failed" ? <ProblemNotice problem={state.problem} onRetry={onSummarise} /> : null}
      {result ? (
        <div data-testid="summary">
          <p>{result.summary}</p>
          <dl className="facts">
            <dt>Issue</dt>
            <dd>{result.issue}</dd>
            <dt>Status</dt>
            <dd>{result.status}</dd>
            <dt>Sentiment</dt>
            <dd>{result.customer_sentiment}</dd>
          </dl>
          {result.actions_taken?.length ? (
            <>
              <h3>Actions taken</h3>
              <ul>
                {result.actions_taken.map((a) => (
                  <li key={a}>{a}</li>
                ))}
              </ul>
            </>
          ) : null}
          {result.next_steps?.length ? (
            <>
              <h3>Next steps</h3>
              <ul>
                {result.next_steps.map((s) => (
                  <li key={s}>{s}</li>
                ))}
              </ul>
            </>
          ) : null}
          <button type="button" onClick={() => void doCopy(result)}>
            Copy summary
          </button>
          <span role="status" className="muted">
            {copied === "copied" ? " Copied." : copied === "failed" ? " Copying failed: select the text instead." : ""}
          </span>
        </div>
      ) : null}
    </section>
  );
}
