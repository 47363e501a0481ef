/**
 * Client-side routes (the service answers each with index.html: see api/static.py's PAGES).
 * The path is the only thing in the URL: never a key, never a conversation.
 */
import { useCallback, useSyncExternalStore } from "react";

export type Page = "home" | "agent" | "chat" | "ops";

export const PATHS: Record<Page, string> = { home: "/", agent: "/agent", chat: "/chat", ops: "/ops" };

export function pageOf(pathname: string): Page {
  const first = pathname.split("/")[1] ?? "";
  return first === "agent" || first === "chat" || first === "ops" ? first : "home";
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener("popstate", onChange);
  return () => window.removeEventListener("popstate", onChange);
}

export function usePage(): [Page, (page: Page) => void] {
  const pathname = useSyncExternalStore(subscribe, () => window.location.pathname);
  const navigate = useCallback((page: Page) => {
    if (window.location.pathname !== PATHS[page]) {
      window.history.pushState(null, "", PATHS[page]);
      window.dispatchEvent(new PopStateEvent("popstate"));
    }
  }, []);
  return [pageOf(pathname), navigate];
}
