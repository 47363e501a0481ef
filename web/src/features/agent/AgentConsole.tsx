import { useMutation } from "@tanstack/react-query";
import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";

import {
  createApiClient,
  dataOf,
  type FeedbackIn,
  type Suggestion,
  type SuggestionRequest,
  type Summary,
  type SummaryRequest,
} from "../../api/client";
import { asProblem } from "../../api/problem";
import { useStream } from "../../api/useStream";
import { ContactsPanel } from "./ContactsPanel";
import { ConversationSource, Transcript } from "./ConversationPanel";
import type { Turn } from "./conversation";
import type { FeedbackStatus, RejectReason, Verdict } from "./Feedback";
import { KnowledgeSearch } from "./KnowledgeSearch";
import { SuggestionPanel } from "./SuggestionPanel";
import { SummaryPanel } from "./SummaryPanel";

export const SHORTCUTS: { keys: string; action: string }[] = [
  { keys: "Alt+S", action: "Suggest or regenerate a reply" },
  { keys: "Esc", action: "Stop the draft being written" },
  { keys: "Alt+I", action: "Insert the suggestion at the cursor" },
  { keys: "Ctrl+Enter", action: "Send the reply" },
  { keys: "Alt+A", action: "Accept the suggestion" },
  { keys: "Alt+X", action: "Reject the suggestion (with a reason)" },
  { keys: "Alt+U", action: "Summarise for the handover" },
  { keys: "Alt+K", action: "Search the knowledge base" },
];

const noop = (): void => undefined;

interface Inserted {
  interactionId: string;
  draft: string;
}

function insertAt(current: string, text: string, start: number, end: number): [string, number] {
  if (!current.trim()) return [text, text.length];
  const before = current.slice(0, start);
  const after = current.slice(end);
  const joinBefore = before && !/\s$/.test(before) ? " " : "";
  const joinAfter = after && !/^\s/.test(after) ? " " : "";
  const next = `${before}${joinBefore}${text}${joinAfter}${after}`;
  return [next, (before + joinBefore + text).length];
}

/** The agent's workspace: the conversation in the middle, the copilot beside it. */
export function AgentConsole({ apiKey, autoSuggest: initialAuto = true }: { apiKey: string; autoSuggest?: boolean }) {
  const id = useId();
  const client = useMemo(() => createApiClient(apiKey), [apiKey]);
  const [turns, setTurns] = useState<Turn[]>([]);
  const [version, setVersion] = useState(0);
  const [composer, setComposer] = useState("");
  const [customerDraft, setCustomerDraft] = useState("");
  const [inserted, setInserted] = useState<Inserted | null>(null);
  const [askedAt, setAskedAt] = useState(-1);
  const [feedback, setFeedback] = useState<FeedbackStatus>({ status: "none" });
  const [rejectOpen, setRejectOpen] = useState(false);
  const [autoSuggest, setAutoSuggest] = useState(initialAuto);
  const [sentNotice, setSentNotice] = useState<string | null>(null);
  const [openContact, setOpenContact] = useState<string | null>(null);
  const composerRef = useRef<HTMLTextAreaElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  const suggestion = useStream<SuggestionRequest, Suggestion>("/v1/suggestions", apiKey);
  const summary = useStream<SummaryRequest, Summary>("/v1/summaries", apiKey);
  const result = suggestion.state.status === "done" ? suggestion.state.result : null;
  const stale = result !== null && askedAt !== version;

  const lastTurn = turns.at(-1);
  const blocked =
    turns.length === 0
      ? "Open a conversation first."
      : lastTurn?.role !== "customer"
        ? "Waiting for the customer: a reply is suggested to the customer's last message."
        : null;

  const feedbackMutation = useMutation({
    mutationFn: async (body: FeedbackIn) => dataOf(await client.POST("/v1/feedback", { body })),
    onMutate: (body) => setFeedback({ status: "sending", verdict: body.verdict }),
    onSuccess: (stored) => setFeedback({ status: "sent", verdict: stored.verdict, reason: stored.reason }),
    onError: (error, body) => setFeedback({ status: "failed", verdict: body.verdict, problem: asProblem(error) }),
  });
  const sendFeedback = feedbackMutation.mutate;

  const suggest = useCallback(
    (forTurns: Turn[], atVersion: number) => {
      if (forTurns.length === 0 || forTurns.at(-1)?.role !== "customer") return;
      setAskedAt(atVersion);
      setFeedback({ status: "none" });
      setRejectOpen(false);
      void suggestion.start({ conversation: forTurns });
    },
    [suggestion],
  );

  const changeConversation = useCallback(
    (next: Turn[], { fresh = false, ask = true }: { fresh?: boolean; ask?: boolean } = {}) => {
      const nextVersion = version + 1;
      setTurns(next);
      setVersion(nextVersion);
      if (fresh) {
        setSentNotice(null);
        setComposer("");
        setInserted(null);
        summary.reset();
        suggestion.reset();
      }
      if (ask && autoSuggest) suggest(next, nextVersion);
    },
    [version, autoSuggest, suggest, summary, suggestion],
  );

  const insert = useCallback(
    (text: string) => {
      if (!result) return;
      const area = composerRef.current;
      const start = area?.selectionStart ?? composer.length;
      const end = area?.selectionEnd ?? composer.length;
      const [next, caret] = insertAt(composer, text, start, end);
      setComposer(next);
      setInserted({ interactionId: result.id, draft: text });
      requestAnimationFrame(() => {
        area?.focus();
        area?.setSelectionRange(caret, caret);
      });
    },
    [composer, result],
  );

  const accept = useCallback(() => {
    if (result) sendFeedback({ interaction_id: result.id, verdict: "accepted" });
  }, [result, sendFeedback]);

  const reject = useCallback(
    (reason: RejectReason, comment: string) => {
      if (result) sendFeedback({ interaction_id: result.id, verdict: "rejected", reason, comment: comment || null });
    },
    [result, sendFeedback],
  );

  const send = useCallback(() => {
    const text = composer.trim();
    if (!text || turns.length === 0) return;
    if (inserted) {
      // What the agent really sent decides the verdict: the draft as it was, or an edit of it.
      const verdict: Verdict = text === inserted.draft.trim() ? "accepted" : "edited";
      const already = feedback.status === "sent" && feedback.verdict === verdict && verdict === "accepted";
      if (!already) {
        sendFeedback({
          interaction_id: inserted.interactionId,
          verdict,
          ...(verdict === "edited" ? { edited_text: text } : {}),
        });
      }
    }
    setInserted(null);
    setComposer("");
    setSentNotice("Reply sent to the customer.");
    changeConversation([...turns, { role: "agent", text }], { ask: false });
  }, [composer, turns, inserted, feedback, sendFeedback, changeConversation]);

  const addCustomerTurn = useCallback(() => {
    const text = customerDraft.trim();
    if (!text) return;
    setCustomerDraft("");
    setSentNotice(null);
    changeConversation([...turns, { role: "customer", text }]);
  }, [customerDraft, turns, changeConversation]);

  const summarise = useCallback(() => {
    if (turns.some((t) => t.role === "customer")) void summary.start({ conversation: turns });
  }, [turns, summary]);

  // Shortcuts read the newest handlers through a ref, so the listener is added once.
  const handlers = useRef({ suggest: noop, insert: noop, accept: noop, reject: noop, summarise: noop, escape: noop });
  useEffect(() => {
    handlers.current = {
      suggest: () => {
        if (blocked === null) suggest(turns, version);
      },
      insert: () => {
        if (result && !stale) insert(result.draft);
      },
      accept: () => {
        if (result) accept();
      },
      reject: () => {
        if (result) setRejectOpen(true);
      },
      summarise,
      escape: () => {
        if (rejectOpen) setRejectOpen(false);
        else if (suggestion.state.status === "streaming") suggestion.stop();
        else if (summary.state.status === "streaming") summary.stop();
      },
    };
  });
  useEffect(() => {
    function onKey(event: globalThis.KeyboardEvent) {
      const h = handlers.current;
      if (event.key === "Escape") return h.escape();
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      const action = { KeyS: h.suggest, KeyI: h.insert, KeyA: h.accept, KeyX: h.reject, KeyU: h.summarise }[event.code];
      if (event.code === "KeyK") {
        event.preventDefault();
        searchRef.current?.focus();
      } else if (action) {
        event.preventDefault();
        action();
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  function composerKey(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      send();
    }
  }

  return (
    <div className="agent-layout">
      <aside className="column column-left" aria-label="Conversations">
        <ContactsPanel
          client={client}
          apiKey={apiKey}
          openContactId={openContact}
          onOpen={(contactId, next) => {
            if (contactId === openContact) return;
            setOpenContact(contactId);
            changeConversation(next, { fresh: true });
          }}
        />
        <ConversationSource
          onLoad={(next) => {
            setOpenContact(null);
            changeConversation(next, { fresh: true });
          }}
        />
        <label className="checkbox">
          <input type="checkbox" checked={autoSuggest} onChange={(e) => setAutoSuggest(e.target.checked)} />
          Suggest automatically when the customer writes
        </label>
        <details className="shortcuts">
          <summary>Keyboard shortcuts</summary>
          <dl>
            {SHORTCUTS.map((s) => (
              <div key={s.keys}>
                <dt>
                  <kbd>{s.keys}</kbd>
                </dt>
                <dd>{s.action}</dd>
              </div>
            ))}
          </dl>
        </details>
      </aside>

      <main className="column column-main" id="main" aria-labelledby={`${id}-conv`}>
        <h1 id={`${id}-conv`}>Conversation</h1>
        <Transcript turns={turns} />
        <div className="composer card">
          <label htmlFor={`${id}-reply`}>Your reply</label>
          <textarea
            id={`${id}-reply`}
            ref={composerRef}
            rows={5}
            value={composer}
            onChange={(e) => setComposer(e.target.value)}
            onKeyDown={composerKey}
            disabled={turns.length === 0}
            aria-keyshortcuts="Control+Enter"
          />
          <div className="button-row">
            <button type="button" className="primary" onClick={send} disabled={!composer.trim()}>
              Send <kbd>Ctrl+Enter</kbd>
            </button>
            <span role="status" className="muted">
              {sentNotice}
            </span>
          </div>
          <p className="muted small">The copilot never sends anything: only this button does.</p>
        </div>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            addCustomerTurn();
          }}
        >
          <label htmlFor={`${id}-customer`}>Customer's next message</label>
          <input
            id={`${id}-customer`}
            value={customerDraft}
            onChange={(e) => setCustomerDraft(e.target.value)}
            disabled={turns.length === 0}
          />
          <button type="submit" disabled={!customerDraft.trim()}>
            Add
          </button>
        </form>
      </main>

      <aside className="column column-right" aria-label="Copilot">
        <SuggestionPanel
          state={suggestion.state}
          stale={stale}
          blocked={blocked}
          feedback={feedback}
          rejectOpen={rejectOpen}
          onRejectOpenChange={setRejectOpen}
          onSuggest={() => suggest(turns, version)}
          onStop={suggestion.stop}
          onInsert={insert}
          onAccept={accept}
          onReject={reject}
        />
        <SummaryPanel
          state={summary.state}
          disabled={!turns.some((t) => t.role === "customer")}
          onSummarise={summarise}
          onStop={summary.stop}
          copy={(text) => navigator.clipboard.writeText(text)}
        />
        <KnowledgeSearch client={client} scope="agent" inputRef={searchRef} />
      </aside>
    </div>
  );
}
