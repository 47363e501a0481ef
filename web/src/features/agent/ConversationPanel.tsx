import { useId, useState, type SubmitEvent } from "react";

import { SAMPLES, parseConversation, type Turn } from "./conversation";

/** Where a conversation comes from when no contact is routed: a sample, or a pasted transcript. */
export function ConversationSource({ onLoad }: { onLoad: (turns: Turn[]) => void }) {
  const id = useId();
  const [sample, setSample] = useState(SAMPLES[0]?.id ?? "");
  const [pasted, setPasted] = useState("");
  const [error, setError] = useState<string | null>(null);

  function loadSample(event: SubmitEvent) {
    event.preventDefault();
    const found = SAMPLES.find((s) => s.id === sample);
    if (found) {
      setError(null);
      onLoad(found.turns.map((t) => ({ ...t })));
    }
  }

  function loadPasted(event: SubmitEvent) {
    event.preventDefault();
    try {
      onLoad(parseConversation(pasted));
      setError(null);
      setPasted("");
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Open a conversation</h2>
      <form onSubmit={loadSample} className="stack">
        <label htmlFor={`${id}-sample`}>Sample conversation</label>
        <select id={`${id}-sample`} value={sample} onChange={(e) => setSample(e.target.value)}>
          {SAMPLES.map((s) => (
            <option key={s.id} value={s.id}>
              {s.title}
            </option>
          ))}
        </select>
        <button type="submit">Load sample</button>
      </form>
      <form onSubmit={loadPasted} className="stack">
        <label htmlFor={`${id}-paste`}>Or paste a transcript</label>
        <textarea
          id={`${id}-paste`}
          rows={6}
          value={pasted}
          onChange={(e) => setPasted(e.target.value)}
          placeholder={"Customer: my card hasn't arrived\nAgent: sorry to hear that…\nCustomer: …"}
          aria-describedby={`${id}-paste-help`}
          aria-invalid={error !== null}
        />
        <p id={`${id}-paste-help`} className="muted small">
          One turn per line, starting “Customer:” or “Agent:”; or JSON with a conversation list.
        </p>
        {error ? (
          <p className="error-text" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit">Load transcript</button>
      </form>
    </section>
  );
}

/** The conversation, oldest turn first. */
export function Transcript({ turns }: { turns: Turn[] }) {
  if (turns.length === 0) return <p className="muted">No conversation open.</p>;
  return (
    <ol className="transcript" aria-label="Conversation">
      {turns.map((turn, i) => (
        <li key={i} className={`turn turn-${turn.role}`}>
          <span className="turn-role">{turn.role === "customer" ? "Customer" : "You"}</span>
          <p>{turn.text}</p>
        </li>
      ))}
    </ol>
  );
}
