import { useId, useState, type SubmitEvent } from "react";

import { useSession, type Surface } from "../session/session";

const WHO: Record<Surface, string> = {
  agent: "an agent key",
  customer: "a customer key",
  admin: "an admin key",
};

/** Paste an API key for one surface. It is kept for this browser tab only (sessionStorage). */
export function SignIn({ surface, title }: { surface: Surface; title: string }) {
  const { signIn } = useSession();
  const [key, setKey] = useState("");
  const id = useId();

  function submit(event: SubmitEvent) {
    event.preventDefault();
    if (key.trim()) signIn(surface, key);
  }

  return (
    <section className="signin card" aria-labelledby={`${id}-title`}>
      <h1 id={`${id}-title`}>{title}</h1>
      <form onSubmit={submit}>
        <label htmlFor={`${id}-key`}>API key ({WHO[surface]})</label>
        <input
          id={`${id}-key`}
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={key}
          onChange={(e) => setKey(e.target.value)}
          aria-describedby={`${id}-help`}
          required
        />
        <p id={`${id}-help`} className="muted">
          `make run` prints a development key per scope. The key stays in this tab only and is sent as a
          header, never in a link.
        </p>
        <button type="submit" className="primary">
          Sign in
        </button>
      </form>
    </section>
  );
}
