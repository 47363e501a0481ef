import { BaseSequencer, type TestSpecification } from "vitest/node";
import { defineConfig } from "vitest/config";

/** Files in name order (not by past duration), so the ops view, checked last, has counted the others. */
class ByName extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return Promise.resolve([...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId)));
  }
}

// The browser tests: one real service and one Chromium per file, the files run one after another.
export default defineConfig({
  test: {
    environment: "node",
    // `npm run bench:browser` runs the latency benchmark instead of the tests.
    include: process.env.BROWSER_BENCH === "1" ? ["e2e/latency.bench.ts"] : ["e2e/**/*.e2e.ts"],
    globalSetup: ["e2e/global-setup.ts"],
    fileParallelism: false,
    sequence: { sequencer: ByName },
    testTimeout: 60_000,
    hookTimeout: 200_000,
  },
});
