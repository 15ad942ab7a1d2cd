/** process.env plus what Deno and Bun run with here (no colours, update checks or prompts; Deno's cache in .tmp), for the checkout at `root`. */
export function runtimeEnv(root: string): NodeJS.ProcessEnv;
