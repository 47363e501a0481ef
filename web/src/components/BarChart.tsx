/** A horizontal bar chart in plain SVG, with the figures also given as text (screen readers, contrast). */
export interface Bar {
  label: string;
  value: number;
  /** Shown instead of the raw value (e.g. "0.97", "12 %"). */
  display?: string;
}

export function BarChart({ title, bars, max }: { title: string; bars: Bar[]; max?: number }) {
  const top = max ?? Math.max(1, ...bars.map((b) => b.value));
  const rowHeight = 26;
  const labelWidth = 230;
  const width = 540;
  const barSpace = width - labelWidth - 70;
  const height = Math.max(rowHeight, bars.length * rowHeight);
  if (bars.length === 0) return <p className="muted">Nothing counted yet.</p>;
  return (
    <figure className="chart">
      <svg role="img" aria-label={title} viewBox={`0 0 ${width} ${height}`} width={width} height={height}>
        <title>{title}</title>
        {bars.map((bar, i) => {
          const w = top > 0 ? Math.max(1, (bar.value / top) * barSpace) : 1;
          const y = i * rowHeight;
          return (
            <g key={bar.label}>
              <text x={labelWidth - 8} y={y + 17} textAnchor="end" className="chart-label">
                {bar.label.length > 34 ? `${bar.label.slice(0, 33)}…` : bar.label}
                <title>{bar.label}</title>
              </text>
              <rect x={labelWidth} y={y + 5} width={w} height={rowHeight - 10} className="chart-bar" rx={2} />
              <text x={labelWidth + w + 6} y={y + 17} className="chart-value">
                {bar.display ?? String(bar.value)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="sr-only">
        {bars.map((b) => `${b.label}: ${b.display ?? b.value}`).join("; ")}
      </figcaption>
    </figure>
  );
}
