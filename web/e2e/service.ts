/**
 * The real service for the browser tests: `copilot serve` on a free loopback port with the embedded
 * defaults (sample knowledge base ingested into local Qdrant, MiniLM embeddings, SQLite, extractive
 * drafting) in a temporary data dir, with the development keys it writes there.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const WEB = resolve(import.meta.dirname, "..");
export const REPO = resolve(WEB, "..");

export interface Keys {
  agent: string;
  customer: string;
  admin: string;
}

export interface Service {
  url: string;
  keys: Keys;
  stop: () => Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => {
        ok(port);
      });
    });
  });
}

function readKeys(file: string): Keys {
  const raw = JSON.parse(readFileSync(file, "utf-8")) as Partial<Keys>;
  if (!raw.agent || !raw.customer || !raw.admin) throw new Error(`${file} lacks an agent, customer or admin key`);
  return { agent: raw.agent, customer: raw.customer, admin: raw.admin };
}

async function waitReady(url: string, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`copilot serve exited with ${child.exitCode}:\n${log()}`);
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`copilot serve was not ready within ${timeoutMs / 1000} s:\n${log()}`);
}

/** Start the service (ingesting the sample knowledge base first, as `copilot serve` does). */
export async function startService(timeoutMs = 180_000): Promise<Service> {
  const copilot = join(REPO, ".venv", "bin", "copilot");
  if (!existsSync(copilot)) throw new Error(`no ${copilot}: run \`make setup\` first`);
  if (!existsSync(join(WEB, "dist", "index.html"))) throw new Error("web/dist is not built: run `make web` first");
  const root = mkdtempSync(join(tmpdir(), "copilot-e2e-"));
  const dataDir = join(root, "data");
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("COPILOT_")) env[k] = v;
  Object.assign(env, {
    COPILOT_DATA_DIR: dataDir,
    COPILOT_ENVIRONMENT: "development",
    COPILOT_API_RATE_BURST: "1000",
    COPILOT_API_LOG_LEVEL: "WARNING",
    HF_HUB_OFFLINE: "1",
    TRANSFORMERS_OFFLINE: "1",
    TOKENIZERS_PARALLELISM: "false",
  });
  let output = "";
  const child = spawn(copilot, ["serve", "--host", "127.0.0.1", "--port", String(port)], {
    cwd: REPO,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await waitReady(url, child, () => output, timeoutMs);
    return { url, keys: readKeys(join(dataDir, "dev-keys.json")), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Debian's Chromium, installed when missing and we are root; otherwise a clear error. */
export function chromiumPath(): string {
  const wanted = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (existsSync(wanted)) return wanted;
  if (process.getuid?.() === 0 && !process.env.CHROMIUM_PATH) {
    console.log("e2e: Chromium is missing; installing Debian's chromium package (apt-get)");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    spawnSync("apt-get", ["update", "-q"], { stdio: "inherit", env });
    const install = spawnSync("apt-get", ["install", "-y", "-q", "chromium"], { stdio: "inherit", env });
    if (install.status === 0 && existsSync(wanted)) return wanted;
  }
  throw new Error(
    `e2e: no Chromium at ${wanted}. Install Debian's package (\`apt-get install chromium\`) or set CHROMIUM_PATH.`,
  );
}
