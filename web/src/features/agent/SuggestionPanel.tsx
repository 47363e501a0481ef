import type { Suggestion } from "../../api/client";
import type { StreamState } from "../../api/streamState";
import { ProblemNotice } from "../../components/ProblemNotice";
import {
  HANDOFF_LABELS,
  RISK_LABELS,
  confidenceBand,
  degradedInfo,
  detectedRisks,
  isScam,
  label,
  nextBestAction,
  percent,
  sourceKind,
} from "./describe";
import { FeedbackControls, type FeedbackStatus, type RejectReason } from "./Feedback";
import { Sources } from "./Sources";
import { TriageView } from "./TriageView";

export interface SuggestionPanelProps {
  state: StreamState<Suggestion>;
  /** The conversation changed after this suggestion was asked for. */
  stale: boolean;
  /** Why a suggestion cannot be asked for now (null when it can). */
  blocked: string | null;
  feedback: FeedbackStatus;
  rejectOpen: boolean;
  onRejectOpenChange: (open: boolean) => void;
  onSuggest: () => void;
  onStop: () => void;
  onInsert: (text: string) => void;
  onAccept: () => void;
  onReject: (reason: RejectReason, comment: string) => void;
}

export function HandoffBanner({ suggestion }: { suggestion: Suggestion }) {
  const handoff = suggestion.handoff;
  if (!handoff?.needed) return null;
  const scam = isScam(suggestion);
  const risks = detectedRisks(suggestion.triage);
  return (
    <div className={`handoff ${scam ? "handoff-scam" : ""}`} role="alert" data-testid="handoff">
      <p className="handoff-title">
        {scam ? "⚠ Possible scam in progress: hand over now" : "Hand over this conversation"}
      </p>
      <p>
        {label(HANDOFF_LABELS, handoff.reason)}
        {suggestion.triage?.handoff.cause ? ` (${label(RISK_LABELS, suggestion.triage.handoff.cause)})` : null}
        {suggestion.triage?.team ? ` · team: ${suggestion.triage.team.replaceAll("_", " ")}` : null}
      </p>
      {risks.length > 0 ? <p>Risks: {risks.map((r) => label(RISK_LABELS, r.risk)).join(", ")}</p> : null}
      {handoff.message ? <p className="muted">Message for the customer: {handoff.message}</p> : null}
    </div>
  );
}

const BAND_LABELS = { high: "High", medium: "Medium", low: "Low" } as const;

function Confidence({ value }: { value: number }) {
  const band = confidenceBand(value);
  return (
    <p className={`confidence confidence-${band}`} data-testid="confidence">
      Confidence: <strong>{BAND_LABELS[band]}</strong> ({percent(value)})
      <meter min={0} max={1} low={0.5} high={0.75} optimum={1} value={value} aria-label="Confidence" />
    </p>
  );
}

function Degraded({ suggestion }: { suggestion: Suggestion }) {
  const { degraded, fallback } = degradedInfo(suggestion);
  if (!degraded) return null;
  return (
    <div className="notice notice-warn" role="note" data-testid="degraded">
      <p className="notice-title">{fallback ? "Degraded: the language model failed" : "Extractive draft"}</p>
      <p>
        {fallback
          ? `No model could answer (${fallback}), so the copilot fell back to its extractive drafter: `
          : "No language model is drafting: "}
        this reply is assembled from sentences of the sources. Read it through before sending.
      </p>
    </div>
  );
}

export function SuggestionPanel(props: SuggestionPanelProps) {
  const { state } = props;
  const streaming = state.status === "streaming";
  const result = state.status === "done" ? state.result : null;

  return (
    <section className="panel" aria-labelledby="suggestion-title" aria-busy={streaming}>
      <div className="panel-head">
        <h2 id="suggestion-title">Suggested reply</h2>
        {streaming ? (
          <button type="button" onClick={props.onStop} aria-keyshortcuts="Escape">
            Stop <kbd>Esc</kbd>
          </button>
        ) : (
          <button
            type="button"
            className="primary"
            onClick={props.onSuggest}
            disabled={props.blocked !== null}
            aria-keyshortcuts="Alt+S"
          >
            {state.status === "idle" ? "Suggest" : "Regenerate"} <kbd>Alt+S</kbd>
          </button>
        )}
      </div>
      {props.blocked && !streaming ? <p className="muted">{props.blocked}</p> : null}

      {state.status === "idle" ? <p className="muted">Load a conversation to get a suggested reply.</p> : null}

      {streaming ? (
        <div data-testid="streaming">
          <p className="muted" role="status">
            Drafting…
          </p>
          <p className="draft draft-streaming" aria-live="off">
            {state.text}
            <span className="cursor" aria-hidden="true">
              ▍
            </span>
          </p>
        </div>
      ) : null}

      {state.status === "stopped" ? (
        <p className="muted" role="status">
          Stopped. {state.text ? "The partial draft was discarded." : ""} Regenerate when ready.
        </p>
      ) : null}

      {state.status === "failed" ? (
        <ProblemNotice problem={state.problem} onRetry={props.onSuggest} retryLabel="Regenerate" />
      ) : null}

      {result ? (
        <div data-testid="suggestion" data-interaction-id={result.id}>
          <HandoffBanner suggestion={result} />
          {props.stale ? (
            <div className="notice notice-warn" role="note">
              The conversation changed after this draft was written: regenerate before using it.
            </div>
          ) : null}
          <Degraded suggestion={result} />
          <Confidence value={result.confidence} />
          <p className="draft" data-testid="draft">
            {result.draft}
          </p>
          <div className="button-row">
            <button
              type="button"
              className="primary"
              onClick={() => props.onInsert(result.draft)}
              disabled={props.stale}
              aria-keyshortcuts="Alt+I"
            >
              Insert into reply <kbd>Alt+I</kbd>
            </button>
          </div>
          {(result.citations ?? []).some((c) => sourceKind(c) !== "article") ? (
            <p className="small internal-note" data-testid="internal-note">
              Drawn partly from internal sources: check that nothing internal reaches the customer.
            </p>
          ) : null}
          <FeedbackControls
            status={props.feedback}
            onAccept={props.onAccept}
            onReject={props.onReject}
            rejectOpen={props.rejectOpen}
            onRejectOpenChange={props.onRejectOpenChange}
          />
          <section aria-label="Next best action" className="next-action">
            <h3>Next best action</h3>
            <p data-testid="next-action">{nextBestAction(result)}</p>
          </section>
          {result.triage ? <TriageView triage={result.triage} /> : null}
          <Sources citations={result.citations ?? []} />
          <p className="muted small">
            {result.provider === "curated" ? "Approved answer" : `Drafted by ${result.provider}/${result.model}`} ·
            prompt {result.prompt.id} v{result.prompt.version} · {Math.round(result.latency_ms)} ms
          </p>
        </div>
      ) : null}
    </section>
  );
}
