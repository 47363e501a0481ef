import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, test } from "vitest";

import { SignIn } from "../components/SignIn";
import { SessionProvider, useSession } from "./session";

function Shown() {
  const { keys, signOut } = useSession();
  return (
    <>
      <output>{keys.agent ?? "none"}</output>
      <button type="button" onClick={() => signOut("agent")}>
        out
      </button>
    </>
  );
}

describe("the session", () => {
  test("a key lives in sessionStorage for this tab only, never in the URL, and signing out forgets it", async () => {
    const user = userEvent.setup();
    render(
      <SessionProvider>
        <SignIn surface="agent" title="Agent console" />
        <Shown />
      </SessionProvider>,
    );
    await user.type(screen.getByLabelText(/API key/), "  secret-agent-key ");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(screen.getByRole("status")).toHaveTextContent("secret-agent-key");
    expect(JSON.parse(window.sessionStorage.getItem("copilot.keys") ?? "{}")).toEqual({ agent: "secret-agent-key" });
    expect(window.localStorage.length).toBe(0);
    expect(window.location.href).not.toContain("secret");
    await user.click(screen.getByRole("button", { name: "out" }));
    expect(screen.getByRole("status")).toHaveTextContent("none");
    expect(window.sessionStorage.getItem("copilot.keys")).toBe("{}");
  });
});
