/**
 * The WASM engine's write-back at exit for Deno: the kernel keeps a dead
 * process's dirty MAP_SHARED pages in its page cache, the WASM engine's
 * live in the process, so they are written when it ends.
 */

type Signal = "SIGINT" | "SIGTERM";

/** The parts of Deno's global namespace this hook uses. */
interface DenoSignals {
  readonly pid: number;
  addSignalListener(signal: Signal, handler: () => void): void;
  removeSignalListener(signal: Signal, handler: () => void): void;
  kill(pid: number, signal: Signal): void;
  exit(code?: number): never;
}
declare const Deno: DenoSignals;
declare function addEventListener(type: "unload" | "error" | "unhandledrejection", listener: () => void): void;

const SIGNAL_NUMBERS: Record<Signal, number> = { SIGINT: 2, SIGTERM: 15 };

/**
 * Deno fires "unload" at the end of the event loop and on Deno.exit(), but
 * not when an uncaught error ends the program: "error" and
 * "unhandledrejection" come first then (if the program recovers with
 * preventDefault(), the early write-back did no harm). For SIGINT and
 * SIGTERM a listener writes back, removes itself and raises the signal
 * again, so that the default action still ends the process. Deno does not
 * tell a library whether the program listens too; if it does, it sees the
 * raised signal a second time.
 */
export function writeBackAtExit(writeBack: (report: (message: string) => void) => void): void {
  const writeBackNow = (): void => writeBack(console.error);
  addEventListener("unload", writeBackNow);
  addEventListener("error", writeBackNow);
  addEventListener("unhandledrejection", writeBackNow);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    const onSignal = (): void => {
      writeBackNow();
      Deno.removeSignalListener(signal, onSignal);
      try {
        Deno.kill(Deno.pid, signal);
      } catch {
        // Deno.kill needs --allow-run: end as the signal would have, by status.
        Deno.exit(128 + SIGNAL_NUMBERS[signal]);
      }
    };
    try {
      Deno.addSignalListener(signal, onSignal);
    } catch {
      // Workers and some platforms take no signal listeners: exit events still write back.
    }
  }
}
