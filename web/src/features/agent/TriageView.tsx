import type { TriageResult } from "../../api/client";
import { RISK_LABELS, detectedRisks, label, percent } from "./describe";

const URGENCY: Record<string, string> = { now: "Now", today: "Today", routine: "Routine" };

/** Intent, risks and urgency, as triage decided them. */
export function TriageView({ triage }: { triage: TriageResult }) {
  const risks = detectedRisks(triage);
  const top = triage.intent[0];
  return (
    <section aria-label="Triage">
      <h3>Triage</h3>
      <dl className="facts">
        <dt>Intent</dt>
        <dd>
          {top ? `${top.intent.replaceAll("_", " ")} (${percent(top.probability)})` : "unknown"}
          <span className="muted"> · {triage.area.replaceAll("_", " ")}</span>
        </dd>
        <dt>Risks</dt>
        <dd data-testid="risks">
          {risks.length === 0
            ? "None detected"
            : risks.map((r) => (
                <span key={r.risk} className={`badge risk risk-${r.risk}`}>
                  {label(RISK_LABELS, r.risk)} {percent(r.probability)}
                </span>
              ))}
        </dd>
        <dt>Urgency</dt>
        <dd>
          <span className={`badge urgency-${triage.urgency}`}>{URGENCY[triage.urgency] ?? triage.urgency}</span>
        </dd>
        <dt>Request</dt>
        <dd>{triage.request.replaceAll("_", " ")}</dd>
      </dl>
    </section>
  );
}
