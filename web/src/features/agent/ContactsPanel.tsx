import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState, type SubmitEvent } from "react";

import { dataOf, type ApiClient, type Schemas } from "../../api/client";
import { subscribe, type LiveState } from "../../api/events";
import { asProblem } from "../../api/problem";
import { ProblemNotice } from "../../components/ProblemNotice";
import type { Turn } from "./conversation";
import { RISK_LABELS, label } from "./describe";

type Contact = Schemas["ContactView"];
type AgentStatus = Schemas["AgentView"]["status"];

const STATUSES: AgentStatus[] = ["available", "busy", "away", "offline"];
const AGENT_ID_KEY = "copilot.agent-id";

function storedAgentId(): string {
  try {
    return window.sessionStorage.getItem(AGENT_ID_KEY) ?? "";
  } catch {
    return "";
  }
}

function turnsOf(contact: Contact): Turn[] {
  return contact.conversation
    .filter((t) => (t.role === "customer" || t.role === "agent") && t.text)
    .map((t) => ({ role: t.role as Turn["role"], text: t.text ?? "" }));
}

const LIVE_TEXT: Record<LiveState["status"], string> = {
  connecting: "Connecting…",
  live: "Live",
  retrying: "Reconnecting…",
  failed: "Not live",
};

/** The contacts the router gives this agent, live: offers to accept, assigned chats to open and close. */
export function ContactsPanel({
  client,
  apiKey,
  openContactId,
  onOpen,
}: {
  client: ApiClient;
  apiKey: string;
  openContactId: string | null;
  onOpen: (contactId: string, turns: Turn[]) => void;
}) {
  const id = useId();
  const queryClient = useQueryClient();
  const [agentId, setAgentId] = useState(storedAgentId);
  const [draftId, setDraftId] = useState(agentId);
  const [live, setLive] = useState<LiveState>({ status: "connecting" });
  const [announcement, setAnnouncement] = useState("");

  const agent = useQuery({
    queryKey: ["agent", apiKey, agentId],
    enabled: agentId !== "",
    queryFn: async ({ signal }) =>
      dataOf(await client.GET("/v1/agents/{agent_id}", { params: { path: { agent_id: agentId } }, signal })),
  });
  const contacts = useQuery({
    queryKey: ["contacts", apiKey],
    refetchInterval: 15_000,
    queryFn: async ({ signal }) => dataOf(await client.GET("/v1/contacts", { signal })).contacts,
  });

  useEffect(() => {
    if (!agentId) return;
    const controller = new AbortController();
    void subscribe(`/v1/agents/${encodeURIComponent(agentId)}/events`, {
      apiKey,
      signal: controller.signal,
      onState: setLive,
      onEvent: (kind, data) => {
        if (!kind.startsWith("contact.")) return;
        void queryClient.invalidateQueries({ queryKey: ["contacts", apiKey] });
        void queryClient.invalidateQueries({ queryKey: ["agent", apiKey, agentId] });
        if (kind === "contact.offered") {
          const area = (data as { triage?: { area?: string } } | null)?.triage?.area;
          setAnnouncement(`New contact offered${area ? `: ${area.replaceAll("_", " ")}` : ""}.`);
        }
      },
    });
    return () => controller.abort();
  }, [agentId, apiKey, queryClient]);

  const setStatus = useMutation({
    mutationFn: async (status: AgentStatus) =>
      dataOf(await client.PUT("/v1/agents/{agent_id}/status", { params: { path: { agent_id: agentId } }, body: { status } })),
    onSuccess: (updated) => queryClient.setQueryData(["agent", apiKey, agentId], updated),
  });
  const act = useMutation({
    mutationFn: async ({ contactId, action }: { contactId: string; action: "accept" | "close" }) => {
      const params = { params: { path: { contact_id: contactId } } };
      return dataOf(
        action === "accept"
          ? await client.POST("/v1/contacts/{contact_id}/accept", params)
          : await client.POST("/v1/contacts/{contact_id}/close", { ...params, body: { outcome: "resolved" } }),
      );
    },
    onSuccess: (contact) => {
      void queryClient.invalidateQueries({ queryKey: ["contacts", apiKey] });
      if (contact.state === "assigned") onOpen(contact.id, turnsOf(contact));
    },
  });

  function connect(event: SubmitEvent) {
    event.preventDefault();
    const next = draftId.trim();
    try {
      window.sessionStorage.setItem(AGENT_ID_KEY, next);
    } catch {
      /* kept in memory only */
    }
    setAgentId(next);
  }

  const list = contacts.data ?? [];
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <div className="panel-head">
        <h2 id={`${id}-title`}>Your contacts</h2>
        {agentId ? <span className={`badge live-${live.status}`}>{LIVE_TEXT[live.status]}</span> : null}
      </div>
      <p role="status" className="sr-only">
        {announcement}
      </p>
      {!agentId || agent.isError ? (
        <form onSubmit={connect} className="stack">
          <label htmlFor={`${id}-agent`}>Your agent id</label>
          <input
            id={`${id}-agent`}
            value={draftId}
            onChange={(e) => setDraftId(e.target.value)}
            placeholder="dev-agent"
            aria-describedby={`${id}-agent-help`}
            autoComplete="username"
          />
          <p id={`${id}-agent-help`} className="muted small">
            The name of your API key (in development: dev-agent). Contacts routed to you then arrive here live.
          </p>
          <button type="submit">Connect</button>
        </form>
      ) : null}
      {agent.isError ? <ProblemNotice problem={asProblem(agent.error)} /> : null}
      {live.status === "failed" ? <ProblemNotice problem={live.problem} /> : null}
      {agent.data ? (
        <div className="inline-form">
          <label htmlFor={`${id}-status`}>Status ({agent.data.load} of {agent.data.capacity} chats)</label>
          <select
            id={`${id}-status`}
            value={agent.data.status}
            onChange={(e) => setStatus.mutate(e.target.value as AgentStatus)}
            disabled={setStatus.isPending}
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {setStatus.isError ? <ProblemNotice problem={asProblem(setStatus.error)} /> : null}
      {act.isError ? <ProblemNotice problem={asProblem(act.error)} /> : null}
      {contacts.isError ? <ProblemNotice problem={asProblem(contacts.error)} onRetry={() => void contacts.refetch()} /> : null}
      {contacts.data && list.length === 0 ? <p className="muted">No contact is waiting for you.</p> : null}
      {list.length > 0 ? (
        <ul className="contacts" aria-label="Contacts">
          {list.map((c) => (
            <li key={c.id} className={`contact contact-${c.state}`} data-testid="contact" aria-current={c.id === openContactId}>
              <p>
                <span className={`badge state-${c.state}`}>{c.state}</span>{" "}
                <strong>{c.triage.area.replaceAll("_", " ")}</strong>
                {c.triage.intent ? <span className="muted"> · {c.triage.intent.replaceAll("_", " ")}</span> : null}
              </p>
              <p className="small muted">
                {c.channel} · {c.queue} · urgency {c.triage.urgency}
              </p>
              {c.triage.risks.length > 0 ? (
                <p>
                  {c.triage.risks.map((r) => (
                    <span key={r} className="badge risk">
                      {label(RISK_LABELS, r)}
                    </span>
                  ))}
                </p>
              ) : null}
              <p className="small contact-preview">{c.conversation.at(-1)?.text ?? ""}</p>
              <div className="button-row">
                {c.state === "offered" ? (
                  <button
                    type="button"
                    className="primary"
                    onClick={() => act.mutate({ contactId: c.id, action: "accept" })}
                    disabled={act.isPending}
                  >
                    Accept
                  </button>
                ) : null}
                {c.state === "assigned" ? (
                  <>
                    <button type="button" onClick={() => onOpen(c.id, turnsOf(c))} disabled={c.id === openContactId}>
                      {c.id === openContactId ? "Open" : "Open conversation"}
                    </button>
                    <button
                      type="button"
                      onClick={() => act.mutate({ contactId: c.id, action: "close" })}
                      disabled={act.isPending}
                    >
                      Close
                    </button>
                  </>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
