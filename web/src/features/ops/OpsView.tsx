import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";

import { createApiClient, dataOf, type Schemas } from "../../api/client";
import { asProblem, problemFromResponse } from "../../api/problem";
import { BarChart } from "../../components/BarChart";
import { ProblemNotice } from "../../components/ProblemNotice";
import { HANDOFF_LABELS, label } from "../agent/describe";
import { parsePrometheus, sumBy, total } from "./prometheus";

type EvalRun = Schemas["EvalRun"];

/** The figures that say most about each task, in the order shown. */
export const HEADLINE: Record<string, string[]> = {
  reply: ["hit@5", "mrr@10", "citation_validity", "grounded_rate", "handoff_f1"],
  answer: ["hit@5", "mrr@10", "citation_validity", "grounded_rate", "handoff_f1", "internal_leak_rate"],
  summary: ["rougeL", "semantic_similarity", "rouge1", "pii_leak_rate"],
};

export function headline(run: EvalRun): [string, number][] {
  const wanted = HEADLINE[run.task] ?? Object.keys(run.metrics).slice(0, 5);
  return wanted.filter((k) => k in run.metrics).map((k) => [k, run.metrics[k] ?? 0]);
}

/** The newest run of each task; a baseline stands in for a task with no run. */
export function latestPerTask(runs: EvalRun[]): EvalRun[] {
  const chosen = new Map<string, EvalRun>();
  for (const source of ["run", "baseline"] as const) {
    for (const run of runs) {
      if (run.source === source && !chosen.has(run.task)) chosen.set(run.task, run);
    }
  }
  return [...chosen.values()];
}

const ROUTE_NOISE = new Set(["/metrics", "/healthz", "/readyz", "unmatched"]);

export function OpsView({ apiKey, refreshMs = 5000 }: { apiKey: string; refreshMs?: number }) {
  const client = useMemo(() => createApiClient(apiKey), [apiKey]);
  const metrics = useQuery({
    queryKey: ["metrics"],
    refetchInterval: refreshMs,
    queryFn: async ({ signal }) => {
      const response = await fetch("/metrics", { signal });
      if (!response.ok) throw await problemFromResponse(response);
      return parsePrometheus(await response.text());
    },
  });
  const runs = useQuery({
    queryKey: ["eval-runs", apiKey],
    queryFn: async ({ signal }) => dataOf(await client.GET("/v1/evals/runs", { params: { query: { limit: 20 } }, signal })),
  });

  const samples = metrics.data ?? [];
  const requests = total(samples, "copilot_http_requests_total");
  const failed = total(samples, "copilot_http_requests_total", (s) => Number(s.labels.status) >= 500);
  const byRoute = sumBy(samples, "copilot_http_requests_total", "route", (s) => !ROUTE_NOISE.has(s.labels.route ?? ""));
  const handoffs = sumBy(samples, "copilot_handoffs_total", "reason");
  const verdicts = sumBy(samples, "copilot_feedback_total", "verdict");
  const latest = latestPerTask(runs.data?.runs ?? []);
  const evalBars = latest.flatMap((run) =>
    headline(run).map(([k, v]) => ({ label: `${run.task} · ${k}`, value: v, display: v.toFixed(3) })),
  );

  return (
    <main id="main" className="ops" aria-labelledby="ops-title">
      <h1 id="ops-title">Operations</h1>
      <p className="muted">
        Counts since the service started (refreshed every {Math.round(refreshMs / 1000)} s), and the latest
        evaluation runs.
      </p>
      {metrics.isError ? <ProblemNotice problem={asProblem(metrics.error)} onRetry={() => void metrics.refetch()} /> : null}
      <div className="ops-grid">
        <section className="panel" aria-labelledby="ops-requests">
          <h2 id="ops-requests">Requests</h2>
          <p className="big-number" data-testid="requests-total">
            {requests}
            <span className="muted small"> requests · {failed} server errors</span>
          </p>
          <BarChart title="API requests by route" bars={byRoute.map((r) => ({ label: r.key.replace(/^\/v1/, ""), value: r.value }))} />
        </section>
        <section className="panel" aria-labelledby="ops-handoffs">
          <h2 id="ops-handoffs">Handoffs by reason</h2>
          <BarChart
            title="Handoffs by reason"
            bars={handoffs.map((r) => ({ label: label(HANDOFF_LABELS, r.key) || r.key, value: r.value }))}
          />
        </section>
        <section className="panel" aria-labelledby="ops-feedback">
          <h2 id="ops-feedback">Feedback verdicts</h2>
          <BarChart title="Agents' feedback verdicts" bars={verdicts.map((r) => ({ label: r.key, value: r.value }))} />
        </section>
        <section className="panel ops-wide" aria-labelledby="ops-evals">
          <h2 id="ops-evals">Latest evaluation runs</h2>
          {runs.isError ? <ProblemNotice problem={asProblem(runs.error)} onRetry={() => void runs.refetch()} /> : null}
          {runs.isPending ? <p className="muted">Loading…</p> : null}
          {runs.data && latest.length === 0 ? (
            <p className="muted">No evaluation run found: run `copilot eval run`.</p>
          ) : null}
          {latest.length > 0 ? (
            <>
              <BarChart title="Headline metrics of the latest run per task" bars={evalBars} max={1} />
              <table className="table" data-testid="eval-runs">
                <caption className="sr-only">Latest evaluation run per task</caption>
                <thead>
                  <tr>
                    <th scope="col">Task</th>
                    <th scope="col">Run</th>
                    <th scope="col">Provider</th>
                    <th scope="col">Cases</th>
                    <th scope="col">Headline</th>
                  </tr>
                </thead>
                <tbody>
                  {latest.map((run) => (
                    <tr key={`${run.source}:${run.name}`}>
                      <th scope="row">{run.task}</th>
                      <td>
                        {run.name}
                        {run.source === "baseline" ? <span className="badge">baseline</span> : null}
                        <br />
                        <span className="muted small">{run.created_at ? new Date(run.created_at).toLocaleString() : ""}</span>
                      </td>
                      <td>{run.provider ?? "—"}</td>
                      <td>{run.cases ?? "—"}</td>
                      <td>
                        {headline(run)
                          .map(([k, v]) => `${k} ${v.toFixed(3)}`)
                          .join(" · ")}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : null}
        </section>
      </div>
    </main>
  );
}
