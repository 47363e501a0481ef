import { describe, expect, test } from "vitest";

import type { Schemas } from "../../api/client";
import { headline, latestPerTask } from "./OpsView";
import { parsePrometheus, sumBy, total } from "./prometheus";

const TEXT = `# HELP copilot_http_requests_total HTTP requests.
# TYPE copilot_http_requests_total counter
copilot_http_requests_total{method="POST",route="/v1/suggestions",status="200"} 3.0
copilot_http_requests_total{method="POST",route="/v1/suggestions",status="503"} 1.0
copilot_http_requests_total{method="GET",route="/v1/kb/search",status="200"} 2.0
copilot_handoffs_total{surface="answer",reason="sensitive_topic"} 2.0
copilot_handoffs_total{surface="suggestion",reason="sensitive_topic"} 1.0
copilot_handoffs_total{surface="answer",reason="customer_request"} 0.0
copilot_feedback_total{verdict="edited",reason="none"} 4.0
copilot_feedback_created{verdict="edited",reason="none"} 1.7e9
odd_metric{label="with \\"quote\\""} NaN
`;

describe("Prometheus text", () => {
  test("samples are read with their labels; sums group by a label, largest first, zeros dropped", () => {
    const samples = parsePrometheus(TEXT);
    expect(total(samples, "copilot_http_requests_total")).toBe(6);
    expect(total(samples, "copilot_http_requests_total", (s) => s.labels.status === "503")).toBe(1);
    expect(sumBy(samples, "copilot_http_requests_total", "route")).toEqual([
      { key: "/v1/suggestions", value: 4 },
      { key: "/v1/kb/search", value: 2 },
    ]);
    expect(sumBy(samples, "copilot_handoffs_total", "reason")).toEqual([{ key: "sensitive_topic", value: 3 }]);
    expect(samples.find((s) => s.name === "odd_metric")).toBeUndefined();
  });
});

type EvalRun = Schemas["EvalRun"];

function run(name: string, task: string, source: "run" | "baseline", metrics: Record<string, number>): EvalRun {
  return { name, task, source, created_at: null, cases: 10, provider: "extractive", model: "extractive", metrics };
}

describe("eval runs", () => {
  test("the newest run of each task is shown, a baseline only where a task has no run", () => {
    const runs = [
      run("20261206-reply", "reply", "run", { "hit@5": 0.97 }),
      run("20261201-reply", "reply", "run", { "hit@5": 0.9 }),
      run("golden-reply", "reply", "baseline", { "hit@5": 0.5 }),
      run("golden-summary", "summary", "baseline", { rougeL: 0.2 }),
    ];
    expect(latestPerTask(runs).map((r) => r.name)).toEqual(["20261206-reply", "golden-summary"]);
  });

  test("headline metrics follow the task's list; an unknown task shows its first figures", () => {
    expect(headline(run("a", "reply", "run", { mrr: 1, "mrr@10": 0.8, "hit@5": 0.9 }))).toEqual([
      ["hit@5", 0.9],
      ["mrr@10", 0.8],
    ]);
    expect(headline(run("b", "triage", "run", { macro_f1: 0.7 }))).toEqual([["macro_f1", 0.7]]);
  });
});
