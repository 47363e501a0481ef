import { useQuery } from "@tanstack/react-query";
import { useId, useState, type SubmitEvent, type Ref } from "react";

import { dataOf, type ApiClient } from "../../api/client";
import { asProblem } from "../../api/problem";
import { ProblemNotice } from "../../components/ProblemNotice";

const KIND_LABELS: Record<string, string> = { article: "Article", procedure: "Procedure", resolution: "Past resolution" };

/** Search what this key may read (agents: internal procedures and past resolutions too). */
export function KnowledgeSearch({
  client,
  scope,
  inputRef,
}: {
  client: ApiClient;
  scope: string;
  inputRef?: Ref<HTMLInputElement>;
}) {
  const id = useId();
  const [draft, setDraft] = useState("");
  const [query, setQuery] = useState("");
  const search = useQuery({
    queryKey: ["kb-search", scope, query],
    enabled: query.length > 0,
    queryFn: async ({ signal }) =>
      dataOf(await client.GET("/v1/kb/search", { params: { query: { q: query, k: 5 } }, signal })),
  });

  function submit(event: SubmitEvent) {
    event.preventDefault();
    setQuery(draft.trim());
  }

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Knowledge search</h2>
      <form role="search" onSubmit={submit} className="inline-form">
        <label htmlFor={`${id}-q`} className="sr-only">
          Search the knowledge base
        </label>
        <input
          id={`${id}-q`}
          ref={inputRef}
          type="search"
          placeholder="Search articles and procedures (Alt+K)"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          aria-keyshortcuts="Alt+K"
        />
        <button type="submit">Search</button>
      </form>
      {search.isFetching ? (
        <p role="status" className="muted">
          Searching…
        </p>
      ) : null}
      {search.isError ? <ProblemNotice problem={asProblem(search.error)} onRetry={() => void search.refetch()} /> : null}
      {search.data ? (
        search.data.results.length === 0 ? (
          <p className="muted">Nothing found for “{query}”.</p>
        ) : (
          <ol className="sources" aria-label="Search results">
            {search.data.results.map((hit) => (
              <li key={hit.doc_id} className="source">
                <span className={`badge badge-${hit.audience === "internal" ? "procedure" : "article"}`}>
                  {hit.audience === "internal" ? "Internal" : "Public"} · {KIND_LABELS[hit.kind] ?? hit.kind}
                </span>{" "}
                {hit.url ? (
                  <a href={hit.url} target="_blank" rel="noreferrer noopener">
                    {hit.title}
                  </a>
                ) : (
                  <strong>{hit.title}</strong>
                )}
                {hit.passages[0] ? <blockquote>{hit.passages[0].text}</blockquote> : null}
              </li>
            ))}
          </ol>
        )
      ) : null}
    </section>
  );
}
