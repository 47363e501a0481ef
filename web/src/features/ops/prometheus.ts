/** A reader for the Prometheus text exposition that `/metrics` returns (samples only; HELP/TYPE skipped). */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
}

export function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const match = SAMPLE.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const m of (match[2] ?? "").matchAll(LABEL)) labels[m[1] ?? ""] = unescape(m[2] ?? "");
    const value = Number(match[3]);
    if (Number.isFinite(value)) samples.push({ name: match[1] ?? "", labels, value });
  }
  return samples;
}

/** Sum the samples of `name`, grouped by the value of `label` (largest first, zeros dropped). */
export function sumBy(samples: Sample[], name: string, label: string, keep?: (s: Sample) => boolean) {
  const totals = new Map<string, number>();
  for (const s of samples) {
    if (s.name !== name || (keep && !keep(s))) continue;
    const key = s.labels[label] ?? "";
    totals.set(key, (totals.get(key) ?? 0) + s.value);
  }
  return [...totals.entries()]
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([key, value]) => ({ key, value }));
}

export function total(samples: Sample[], name: string, keep?: (s: Sample) => boolean): number {
  return samples.filter((s) => s.name === name && (!keep || keep(s))).reduce((sum, s) => sum + s.value, 0);
}
