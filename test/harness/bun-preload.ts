/**
 * Preloaded by Bun when it runs the spec suite
 * (`bun --preload ./test/harness/bun-preload.ts test/harness/run.ts FILE`):
 * an import of test/harness/index.js (the spec files' "../harness/index.js")
 * becomes ./bun.ts, as Deno's import map makes it ./deno.ts, so the spec
 * files stay unchanged.
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

interface ResolveArgs {
  path: string;
  importer: string;
}
declare const Bun: {
  plugin(plugin: {
    name: string;
    setup(build: {
      onResolve(options: { filter: RegExp }, callback: (args: ResolveArgs) => { path: string } | undefined): void;
    }): void;
  }): void;
};

const index = fileURLToPath(new URL("./index.js", import.meta.url));
const harness = fileURLToPath(new URL("./bun.ts", import.meta.url));

Bun.plugin({
  name: "anymmap-spec-harness",
  setup(build) {
    build.onResolve({ filter: /\/index\.js$/ }, (args) =>
      args.path.startsWith(".") && resolve(dirname(args.importer), args.path) === index ? { path: harness } : undefined,
    );
  },
});
