/**
 * Words for what the service returns: labels for risks and handoff reasons, the kind of each source,
 * the confidence band and the next best action. Pure functions, so the panel and its tests agree.
 */
import type { Citation, Suggestion, TriageResult } from "../../api/client";

export const RISK_LABELS: Record<string, string> = {
  scam_in_progress: "Scam in progress",
  unauthorised_activity: "Unauthorised activity",
  financial_difficulty: "Financial difficulty",
  bereavement: "Bereavement",
  vulnerability: "Vulnerable customer",
  complaint: "Complaint",
};

export const HANDOFF_LABELS: Record<string, string> = {
  customer_request: "The customer asked for a person",
  missing_knowledge: "The knowledge base does not cover this",
  unsupported_request: "The copilot cannot handle this request",
  policy_restriction: "Policy restricts an automated reply",
  sensitive_topic: "Sensitive topic",
  pending_clarification: "The customer needs to clarify first",
  low_confidence: "Low confidence in the draft",
  ungrounded_draft: "The draft is not supported by the sources",
  service_degraded: "The service is degraded",
};

export function label(map: Record<string, string>, key: string | null | undefined): string {
  if (!key) return "";
  return map[key] ?? key.replaceAll("_", " ");
}

export type SourceKind = "procedure" | "resolution" | "article";

export const SOURCE_KIND_LABELS: Record<SourceKind, string> = {
  article: "Help article",
  procedure: "Internal procedure",
  resolution: "Past resolution",
};

/**
 * What a cited source is. Citations carry the document id: the knowledge base names internal procedures
 * `proc-*` and past resolutions `res-*`; anything else is a public help article. When the service sends
 * `kind`/`audience` with a citation, those decide.
 */
export function sourceKind(citation: Citation): SourceKind {
  const extra = citation as Citation & { kind?: string; audience?: string };
  if (extra.kind === "resolution") return "resolution";
  if (extra.kind === "procedure" || extra.audience === "internal") {
    return citation.doc_id.startsWith("res-") ? "resolution" : "procedure";
  }
  if (citation.doc_id.startsWith("res-")) return "resolution";
  if (citation.doc_id.startsWith("proc-")) return "procedure";
  return "article";
}

export type ConfidenceBand = "high" | "medium" | "low";

export function confidenceBand(confidence: number): ConfidenceBand {
  if (confidence >= 0.75) return "high";
  if (confidence >= 0.5) return "medium";
  return "low";
}

export function percent(value: number): string {
  return `${Math.round(value * 100)} %`;
}

export function detectedRisks(triage: TriageResult | null | undefined) {
  return (triage?.risks ?? []).filter((r) => r.detected);
}

export function isScam(suggestion: Suggestion): boolean {
  const triage = suggestion.triage;
  return (
    detectedRisks(triage).some((r) => r.risk === "scam_in_progress") ||
    triage?.handoff.cause === "scam_in_progress"
  );
}

/** Whether the draft came from the extractive drafter (no language model), and why. */
export function degradedInfo(suggestion: Pick<Suggestion, "provider" | "flags" | "handoff">): {
  degraded: boolean;
  fallback: string | null;
} {
  const fallback = suggestion.flags?.fallback_reason ?? null;
  const degraded =
    suggestion.provider === "extractive" || fallback !== null || suggestion.handoff?.reason === "service_degraded";
  return { degraded, fallback };
}

/** The one thing the agent should do next, from the handoff, the triage and the confidence. */
export function nextBestAction(suggestion: Suggestion): string {
  const triage = suggestion.triage;
  if (suggestion.handoff?.needed) {
    const team = triage?.team ? `the ${triage.team.replaceAll("_", " ")} team` : "a specialist team";
    const procedure = triage?.procedure ? `, following ${triage.procedure}` : "";
    if (isScam(suggestion)) return `Stop: make sure no payment goes ahead, then hand over to ${team}${procedure}.`;
    return `Hand over to ${team}${procedure}.`;
  }
  if (triage?.urgency === "now") return "Urgent: reply now, then act on the request.";
  if (confidenceBand(suggestion.confidence) === "low") return "Check the sources before sending: confidence is low.";
  if (triage?.request === "action") return "Review the draft, then carry out the request the customer made.";
  return "Review the draft, edit it if needed, and send it.";
}
