import type { MouseEvent } from "react";

import { SignIn } from "./components/SignIn";
import { AgentConsole } from "./features/agent/AgentConsole";
import { CustomerChat } from "./features/customer/CustomerChat";
import { OpsView } from "./features/ops/OpsView";
import { PATHS, usePage, type Page } from "./router";
import { useSession, type Surface } from "./session/session";

const NAV: { page: Page; label: string; surface: Surface }[] = [
  { page: "agent", label: "Agent console", surface: "agent" },
  { page: "chat", label: "Customer chat", surface: "customer" },
  { page: "ops", label: "Operations", surface: "admin" },
];

function Home({ go }: { go: (page: Page) => void }) {
  return (
    <main id="main" className="home">
      <h1>Support copilot</h1>
      <p>Choose a screen. Each one asks for the API key of its scope; keys stay in this tab.</p>
      <ul className="home-links">
        {NAV.map((n) => (
          <li key={n.page}>
            <a
              href={PATHS[n.page]}
              onClick={(e) => {
                e.preventDefault();
                go(n.page);
              }}
            >
              {n.label}
            </a>{" "}
            <span className="muted">({n.surface} key)</span>
          </li>
        ))}
      </ul>
    </main>
  );
}

export function App() {
  const [page, go] = usePage();
  const { keys, signOut } = useSession();
  const current = NAV.find((n) => n.page === page);
  const key = current ? keys[current.surface] : undefined;

  function follow(event: MouseEvent<HTMLAnchorElement>, target: Page) {
    event.preventDefault();
    go(target);
  }

  let body;
  if (!current) body = <Home go={go} />;
  else if (!key)
    body = (
      <main id="main">
        <SignIn surface={current.surface} title={current.label} />
      </main>
    );
  else if (current.page === "agent") body = <AgentConsole key={key} apiKey={key} />;
  else if (current.page === "chat") body = <CustomerChat key={key} apiKey={key} />;
  else body = <OpsView key={key} apiKey={key} />;

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <a className="brand" href="/" onClick={(e) => follow(e, "home")}>
          Support copilot
        </a>
        <nav aria-label="Screens">
          <ul>
            {NAV.map((n) => (
              <li key={n.page}>
                <a href={PATHS[n.page]} aria-current={n.page === page ? "page" : undefined} onClick={(e) => follow(e, n.page)}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {current && key ? (
          <button type="button" className="link-button" onClick={() => signOut(current.surface)}>
            Sign out
          </button>
        ) : null}
      </header>
      {body}
    </>
  );
}
