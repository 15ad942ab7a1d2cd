/**
 * The WASM engine's write-back at exit for runtimes with Node's `process`
 * (Node, Bun): the kernel keeps a dead process's dirty MAP_SHARED pages in
 * its page cache, the WASM engine's live in the process, so they are
 * written when it ends.
 */
import process from "node:process";

/** Signals whose default action ends the process without an "exit" event. */
const TERMINATING = ["SIGINT", "SIGTERM"] as const;

/**
 * "exit" covers the end of the event loop, process.exit() and uncaught
 * errors. For SIGINT and SIGTERM a listener writes back; when it is the only
 * one (the program keeps the default action) it then removes itself and
 * raises the signal again, so the process still dies of it as before, with
 * the same status. A program with its own listener decides, and its exit
 * writes back through "exit".
 */
export function writeBackAtExit(writeBack: (report: (message: string) => void) => void): void {
  process.on("exit", () => writeBack(console.error));
  for (const signal of TERMINATING) {
    const onSignal = (): void => {
      writeBack(console.error);
      if (process.listenerCount(signal) > 1) return;
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}
