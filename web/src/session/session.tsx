/**
 * Who is signed in to which surface: one API key per surface, held in React state and mirrored into
 * sessionStorage (gone when the tab closes). Keys are never put in a URL, a cookie or localStorage.
 */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";

export type Surface = "agent" | "customer" | "admin";

export type Keys = Partial<Record<Surface, string>>;

const STORAGE_KEY = "copilot.keys";

export interface SessionValue {
  keys: Keys;
  signIn: (surface: Surface, key: string) => void;
  signOut: (surface: Surface) => void;
}

const SessionContext = createContext<SessionValue | null>(null);

function readStored(storage: Storage | null): Keys {
  if (storage === null) return {};
  try {
    const raw: unknown = JSON.parse(storage.getItem(STORAGE_KEY) ?? "{}");
    if (typeof raw !== "object" || raw === null) return {};
    const keys: Keys = {};
    for (const surface of ["agent", "customer", "admin"] as const) {
      const value = (raw as Record<string, unknown>)[surface];
      if (typeof value === "string" && value) keys[surface] = value;
    }
    return keys;
  } catch {
    return {};
  }
}

function sessionStore(): Storage | null {
  try {
    return typeof window === "undefined" ? null : window.sessionStorage;
  } catch {
    return null; // storage disabled: keys live in memory only
  }
}

export function SessionProvider({ children, initial }: { children: ReactNode; initial?: Keys }) {
  const [keys, setKeys] = useState<Keys>(() => initial ?? readStored(sessionStore()));

  const persist = useCallback((next: Keys) => {
    try {
      sessionStore()?.setItem(STORAGE_KEY, JSON.stringify(next));
    } catch {
      /* storage full or disabled: the key stays in memory */
    }
    return next;
  }, []);

  const signIn = useCallback(
    (surface: Surface, key: string) => setKeys((old) => persist({ ...old, [surface]: key.trim() })),
    [persist],
  );
  const signOut = useCallback(
    (surface: Surface) =>
      setKeys((old) => persist(Object.fromEntries(Object.entries(old).filter(([s]) => s !== surface)))),
    [persist],
  );

  const value = useMemo(() => ({ keys, signIn, signOut }), [keys, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (value === null) throw new Error("useSession outside <SessionProvider>");
  return value;
}
