// The environment Deno and Bun run with wherever the project starts them
// (the spec runner, the runtime tests, the bench): no colours in logs, no
// update checks, prompts or crash reports (no network beyond the npm
// registry), and Deno's cache inside .tmp.
import { join } from "node:path";

/** process.env plus the above, for the checkout at `root`. */
export function runtimeEnv(root) {
  return {
    ...process.env,
    NO_COLOR: "1",
    DENO_NO_UPDATE_CHECK: "1",
    DENO_NO_PROMPT: "1",
    DENO_DIR: process.env.DENO_DIR ?? join(root, ".tmp", "deno-dir"),
    DO_NOT_TRACK: "1",
  };
}
