import { useEffect, useId, useRef, useState, type SubmitEvent } from "react";

import type { Answer, AnswerRequest, ConversationTurn } from "../../api/client";
import { useStream } from "../../api/useStream";
import { ProblemNotice } from "../../components/ProblemNotice";

interface Message {
  id: number;
  from: "customer" | "copilot";
  text: string;
  answer?: Answer;
}

const ASK_FOR_PERSON = "I'd like to talk to a person, please.";

function history(messages: Message[]): ConversationTurn[] {
  return messages.map((m) => ({ role: m.from === "customer" ? "customer" : "agent", text: m.text }));
}

/** One answer: its text, the help articles it cites, and the handover when the copilot passes the chat on. */
export function AnswerBubble({ answer }: { answer: Answer }) {
  const handoff = answer.handoff;
  const citations = answer.citations ?? [];
  return (
    <div className="answer">
      {handoff?.needed ? (
        <div className="handoff handoff-customer" role="alert" data-testid="handover">
          <p className="handoff-title">I'll pass you to a member of our team.</p>
          {handoff.message && handoff.message !== answer.answer ? <p>{handoff.message}</p> : null}
        </div>
      ) : null}
      <p>{answer.answer}</p>
      {citations.length > 0 ? (
        <div className="citations">
          <p className="small muted">From our help articles:</p>
          <ul data-testid="citations">
            {citations.map((c) => (
              <li key={c.doc_id}>
                {c.url ? (
                  <a href={c.url} target="_blank" rel="noreferrer noopener">
                    {c.title}
                  </a>
                ) : (
                  c.title
                )}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

/** The in-app chat: ask, read the streamed answer with its sources, or be handed to a person. */
export function CustomerChat({ apiKey }: { apiKey: string }) {
  const id = useId();
  const [messages, setMessages] = useState<Message[]>([]);
  const [question, setQuestion] = useState("");
  const [nextId, setNextId] = useState(1);
  const answer = useStream<AnswerRequest, Answer>("/v1/answers", apiKey);
  const log = useRef<HTMLDivElement>(null);
  const handedOver = messages.some((m) => m.answer?.handoff?.needed);
  const busy = answer.state.status === "streaming";

  useEffect(() => {
    if (log.current) log.current.scrollTop = log.current.scrollHeight;
  }, [messages, answer.state]);

  async function ask(text: string) {
    const trimmed = text.trim();
    if (!trimmed || busy) return;
    const earlier = history(messages);
    const mine: Message = { id: nextId, from: "customer", text: trimmed };
    setMessages((old) => [...old, mine]);
    setNextId((n) => n + 2);
    setQuestion("");
    const result = await answer.start({ question: trimmed, history: earlier });
    if (result) {
      setMessages((old) => [...old, { id: mine.id + 1, from: "copilot", text: result.answer, answer: result }]);
      answer.reset();
    }
  }

  function submit(event: SubmitEvent) {
    event.preventDefault();
    void ask(question);
  }

  return (
    <main className="chat card" id="main" aria-labelledby={`${id}-title`}>
      <div className="chat-head">
        <h1 id={`${id}-title`}>Help</h1>
        <button type="button" onClick={() => void ask(ASK_FOR_PERSON)} disabled={busy || handedOver}>
          Talk to a person
        </button>
      </div>
      <p className="muted small">
        Answers come from our public help articles. You can ask for a person at any time.
      </p>
      <div className="chat-log" role="log" aria-label="Chat" aria-live="polite" ref={log}>
        {messages.map((m) => (
          <div key={m.id} className={`bubble bubble-${m.from}`}>
            <span className="sr-only">{m.from === "customer" ? "You said:" : "Reply:"}</span>
            {m.answer ? <AnswerBubble answer={m.answer} /> : <p>{m.text}</p>}
          </div>
        ))}
        {answer.state.status === "streaming" ? (
          <div className="bubble bubble-copilot" aria-busy="true" data-testid="answer-streaming">
            <p>{answer.state.text || "…"}</p>
          </div>
        ) : null}
      </div>
      {answer.state.status === "failed" ? <ProblemNotice problem={answer.state.problem} /> : null}
      {handedOver ? (
        <p className="muted" role="status">
          A member of our team will continue this chat.
        </p>
      ) : null}
      <form onSubmit={submit} className="inline-form chat-form">
        <label htmlFor={`${id}-q`} className="sr-only">
          Your question
        </label>
        <input
          id={`${id}-q`}
          value={question}
          onChange={(e) => setQuestion(e.target.value)}
          placeholder="Ask a question"
          autoComplete="off"
          maxLength={8000}
        />
        <button type="submit" className="primary" disabled={busy || !question.trim()}>
          Send
        </button>
      </form>
    </main>
  );
}
