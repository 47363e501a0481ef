import type { Citation } from "../../api/client";
import { SOURCE_KIND_LABELS, sourceKind } from "./describe";

/** The sources a draft cites: title, quote, link, and whether each is public or internal. */
export function Sources({ citations, heading = "Sources" }: { citations: Citation[]; heading?: string }) {
  if (citations.length === 0) {
    return (
      <section aria-label={heading}>
        <h3>{heading}</h3>
        <p className="muted">No source is cited: check the reply against the knowledge base before sending.</p>
      </section>
    );
  }
  return (
    <section aria-label={heading}>
      <h3>{heading}</h3>
      <ol className="sources">
        {citations.map((c) => {
          const kind = sourceKind(c);
          return (
            <li key={c.doc_id} className={`source source-${kind}`} data-testid="source">
              <span className={`badge badge-${kind}`}>{SOURCE_KIND_LABELS[kind]}</span>{" "}
              {c.url ? (
                <a href={c.url} target="_blank" rel="noreferrer noopener">
                  {c.title}
                </a>
              ) : (
                <strong>{c.title}</strong>
              )}{" "}
              <code className="muted">{c.doc_id}</code>
              {kind !== "article" ? <span className="sr-only"> (internal: not for the customer)</span> : null}
              {c.quote ? <blockquote>{c.quote}</blockquote> : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
