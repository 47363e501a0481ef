// The typed API client's schema, generated from the service's own OpenAPI document.
//   node scripts/openapi.mjs generate   rewrite src/api/schema.gen.ts
//   node scripts/openapi.mjs check      fail when the committed file differs from what the service says now
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import openapiTS, { astToString } from "openapi-typescript";

const web = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repo = resolve(web, "..");
const target = join(web, "src", "api", "schema.gen.ts");
const python = process.env.COPILOT_PYTHON ?? join(repo, ".venv", "bin", "python");
const HEADER =
  "// Generated from the service's OpenAPI document by `npm run openapi` (web/scripts/openapi.mjs).\n" +
  "// Do not edit: change the API, then regenerate. `make web-test` fails when this file is stale.\n\n";

function serviceDocument() {
  if (!existsSync(python)) {
    console.error(`openapi: no Python at ${python}; run \`make setup\` first (or set COPILOT_PYTHON)`);
    process.exit(2);
  }
  const code =
    "import json; from api.app import create_app; from copilot.settings import Settings; " +
    "print(json.dumps(create_app(Settings(_env_file=None)).openapi(), sort_keys=True))";
  const out = execFileSync(python, ["-c", code], {
    cwd: repo,
    encoding: "utf-8",
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, COPILOT_ENVIRONMENT: "test", HF_HUB_OFFLINE: "1", TRANSFORMERS_OFFLINE: "1" },
  });
  return JSON.parse(out);
}

async function render() {
  const ast = await openapiTS(serviceDocument(), { alphabetize: true });
  return HEADER + astToString(ast);
}

const mode = process.argv[2];
if (mode === "generate") {
  writeFileSync(target, await render());
  console.log(`openapi: wrote ${target}`);
} else if (mode === "check") {
  const fresh = await render();
  const committed = existsSync(target) ? readFileSync(target, "utf-8") : "";
  if (fresh !== committed) {
    console.error(
      "openapi: src/api/schema.gen.ts is stale: the service's OpenAPI document changed.\n" +
        "         Run `cd web && npm run openapi` and commit the result.",
    );
    process.exit(1);
  }
  console.log("openapi: the generated client matches the service's OpenAPI document");
} else {
  console.error("usage: node scripts/openapi.mjs generate|check");
  process.exit(2);
}
