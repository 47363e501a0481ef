/** Conversations the agent works on: parsing a pasted transcript, and a few to load for practice. */
import type { ConversationTurn } from "../../api/client";

export type Turn = ConversationTurn;

const ROLE_PREFIX = /^\s*(customer|client|agent|me|you)\s*:\s*(.*)$/i;

function roleOf(word: string): Turn["role"] {
  return ["customer", "client"].includes(word.toLowerCase()) ? "customer" : "agent";
}

/**
 * A pasted conversation: JSON (`{"conversation": [...]}` or a list of `{role, text}`), or lines starting
 * `Customer:` / `Agent:` (a line without a prefix continues the turn above it). Throws a readable Error.
 */
export function parseConversation(input: string): Turn[] {
  const text = input.trim();
  if (!text) throw new Error("Paste a conversation first.");
  if (text.startsWith("{") || text.startsWith("[")) return parseJson(text);
  const turns: Turn[] = [];
  for (const line of text.split(/\r?\n/)) {
    const match = ROLE_PREFIX.exec(line);
    if (match) {
      turns.push({ role: roleOf(match[1] ?? ""), text: (match[2] ?? "").trim() });
    } else if (line.trim()) {
      const last = turns.at(-1);
      if (!last) throw new Error("Start each turn with 'Customer:' or 'Agent:'.");
      last.text = last.text ? `${last.text}\n${line.trim()}` : line.trim();
    }
  }
  const kept = turns.filter((t) => t.text);
  if (!kept.some((t) => t.role === "customer")) throw new Error("The conversation needs at least one customer turn.");
  return kept;
}

function parseJson(text: string): Turn[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error("That looks like JSON but does not parse.");
  }
  const list = Array.isArray(raw) ? raw : (raw as { conversation?: unknown }).conversation;
  if (!Array.isArray(list)) throw new Error("JSON must be a list of turns or an object with a 'conversation' list.");
  const turns = list.map((item, i): Turn => {
    const turn = item as { role?: unknown; text?: unknown };
    if ((turn.role !== "customer" && turn.role !== "agent") || typeof turn.text !== "string" || !turn.text.trim()) {
      throw new Error(`Turn ${i + 1} needs a role ('customer' or 'agent') and a text.`);
    }
    return { role: turn.role, text: turn.text.trim() };
  });
  if (!turns.some((t) => t.role === "customer")) throw new Error("The conversation needs at least one customer turn.");
  return turns;
}

export interface SampleConversation {
  id: string;
  title: string;
  turns: Turn[];
}

export const SAMPLES: SampleConversation[] = [
  {
    id: "card-not-arrived",
    title: "Card has not arrived",
    turns: [
      { role: "customer", text: "Hi, I ordered a new debit card two weeks ago and it still hasn't come." },
      { role: "agent", text: "Sorry to hear that. Has anything from us arrived, or has your address changed?" },
      { role: "customer", text: "Nothing at all, same address as always. What should I do?" },
    ],
  },
  {
    id: "safe-account",
    title: "Asked to move money to a safe account",
    turns: [
      {
        role: "customer",
        text:
          "Someone from your fraud team just called and said my account is compromised. They want me to move " +
          "all my savings to a safe account right now and they're still on the other line. Can you speed it up?",
      },
    ],
  },
  {
    id: "direct-debit",
    title: "Cancel a direct debit",
    turns: [{ role: "customer", text: "How do I cancel a direct debit to my old gym?" }],
  },
  {
    id: "bereavement",
    title: "A parent has died",
    turns: [
      {
        role: "customer",
        text: "My father passed away last week and he banked with you. I don't know what I need to do about his account.",
      },
    ],
  },
];
