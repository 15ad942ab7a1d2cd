/**
 * How a program built by `anymmap cc` ends where Linux kills it or where
 * the answer is not the corpus's "same transcript as gcc": abort() (SIGABRT
 * on Linux, status 134 and "Aborted" here), exits and traps, a stack
 * overflow, SIGPIPE, a signal raised at its default action (killed on
 * Linux, 128 + the signal here), the CPU-time timers and other processes
 * (ENOSYS). Where a program ends, what it wrote through a MAP_SHARED
 * mapping reaches the file, as Linux's page cache keeps it.
 */
import * as path from "node:path";
import { describe, expect, test } from "vitest";

import { build, missingTool, type Program, root, RUNTIMES, runNative, runWasm } from "./c/corpus.js";

const missing = missingTool();
if (missing && process.env.CI) throw new Error(`the abort test needs ${missing}`);

describe.skipIf(missing !== undefined)("abort()", () => {
  let program: Program;
  test("natively: killed by SIGABRT, the mapping's bytes in the file", { timeout: 300_000 }, () => {
    program = build(path.join(root, "test", "c-host", "abort.c"));
    expect(runNative(program)).toBe("[exit SIGABRT]\nfile: written before abort\n[exit 0]\n");
  });
  for (const runtime of RUNTIMES) {
    test(`${runtime}: status 134 and "Aborted", the mapping's bytes in the file`, { timeout: 300_000 }, () => {
      expect(program, "the build failed").toBeDefined();
      expect(runWasm(program, runtime)).toBe("[stderr] Aborted\n[exit 134]\nfile: written before abort\n[exit 0]\n");
    });
  }
});

describe.skipIf(missing !== undefined)("_exit(), _Exit() and traps", () => {
  let program: Program;
  const files =
    "_exit: written before _exit\n_Exit: written before _Exit\ntrap: written before trap\n" +
    "divide: written before divide\nwild: written before wild\n[exit 0]\n";
  test("natively: their statuses, the mappings' bytes in the files", { timeout: 300_000 }, () => {
    program = build(path.join(root, "test", "c-host", "exit_paths.c"));
    expect(runNative(program)).toBe(`[exit 4]\n[exit 5]\n[exit SIGILL]\n[exit SIGFPE]\n[exit SIGSEGV]\n${files}`);
  });
  for (const runtime of RUNTIMES) {
    test(`${runtime}: the same statuses (128 + Linux's signal for the traps), the mappings' bytes in the files`, {
      timeout: 300_000,
    }, () => {
      expect(program, "the build failed").toBeDefined();
      const out = runWasm(program, runtime);
      expect(out.startsWith("[exit 4]\n[exit 5]\n"), out).toBe(true);
      const trapped = (signal: string, status: number) =>
        new RegExp(`\\[stderr\\] [^\\n]*the program trapped \\(${signal}[^\\n]*\\n\\[exit ${status}\\]\\n`);
      expect(out).toMatch(trapped("SIGILL", 132));
      expect(out).toMatch(trapped("SIGFPE", 136));
      expect(out).toMatch(trapped("SIGSEGV", 139));
      expect(out.endsWith(files), out).toBe(true);
    });
  }
});

describe.skipIf(missing !== undefined)("getpid()", () => {
  let program: Program;
  test("natively: two runs, two pids", { timeout: 300_000 }, () => {
    program = build(path.join(root, "test", "c-host", "pids.c"));
    expect(runNative(program)).toBe("[exit 0]\n[exit 0]\ntwo runs, two pids: 1\n[exit 0]\n");
  });
  for (const runtime of RUNTIMES) {
    test(`${runtime}: two runs, two pids (each draws one of 4 million: a clash is a 1 in 4 million chance)`, {
      timeout: 300_000,
    }, () => {
      expect(program, "the build failed").toBeDefined();
      expect(runWasm(program, runtime)).toBe("[exit 0]\n[exit 0]\ntwo runs, two pids: 1\n[exit 0]\n");
    });
  }
});

describe.skipIf(missing !== undefined)("a stack overflow", () => {
  let program: Program;
  const fits = "80 frames of 64 KiB, then 0 changed bytes of static data\n[exit 0]\n";
  test("natively: 5 MiB of stack is fine, 25 MiB is SIGSEGV", { timeout: 300_000 }, () => {
    program = build(path.join(root, "test", "c-host", "stack_overflow.c"));
    expect(runNative(program)).toBe(`${fits}[exit SIGSEGV]\n`);
  });
  for (const runtime of RUNTIMES) {
    test(`${runtime}: 5 MiB is fine, 25 MiB traps (139, as SIGSEGV) instead of overwriting the program's globals`, {
      timeout: 300_000,
    }, () => {
      expect(program, "the build failed").toBeDefined();
      const out = runWasm(program, runtime);
      expect(out.startsWith(fits), out).toBe(true);
      expect(out.slice(fits.length)).toMatch(/^\[stderr\] [^\n]*the program trapped \(SIGSEGV[^\n]*\n\[exit 139\]\n$/);
    });
  }
});

describe.skipIf(missing !== undefined)("SIGPIPE", () => {
  let program: Program;
  const survived =
    "ignored: write -1 EPIPE\nignored: after the write\n[exit 0]\n" +
    "handler: signal 13\nhandled: write -1 EPIPE\nhandled: after the write\n[exit 0]\n";
  test("natively: ignored or handled, the write fails with EPIPE; by default the program is killed", {
    timeout: 300_000,
  }, () => {
    program = build(path.join(root, "test", "c-host", "sigpipe.c"));
    expect(runNative(program)).toBe(`${survived}[exit SIGPIPE]\nfile: default\n[exit 0]\n`);
  });
  for (const runtime of RUNTIMES) {
    test(`${runtime}: the same, and by default exit status 141 with the mapping's bytes in the file`, {
      timeout: 300_000,
    }, () => {
      expect(program, "the build failed").toBeDefined();
      expect(runWasm(program, runtime)).toBe(`${survived}[exit 141]\nfile: default\n[exit 0]\n`);
    });
  }
});

describe.skipIf(missing !== undefined)("a signal raised at its default action", () => {
  let program: Program;
  const killed = (by: (n: number, name: string) => string) =>
    [
      [15, "SIGTERM"],
      [2, "SIGINT"],
      [10, "SIGUSR1"],
      [9, "SIGKILL"],
      [14, "SIGALRM"],
    ]
      .map(([n, name]) => `[exit ${by(n as number, name as string)}]\n`)
      .join("") + "file: signal alarm\n[exit 0]\n";
  test("natively: killed by it, stdio's buffer lost, the mapping's bytes in the file", { timeout: 300_000 }, () => {
    program = build(path.join(root, "test", "c-host", "raise_default.c"));
    expect(runNative(program)).toBe(killed((_, name) => name));
  });
  for (const runtime of RUNTIMES) {
    test(`${runtime}: exit status 128 + the signal, the same output and file`, { timeout: 300_000 }, () => {
      expect(program, "the build failed").toBeDefined();
      expect(runWasm(program, runtime)).toBe(killed((n) => String(128 + n)));
    });
  }
});

describe.skipIf(missing !== undefined)("the CPU-time timers", () => {
  let program: Program;
  test("natively: armed", { timeout: 300_000 }, () => {
    program = build(path.join(root, "test", "c-host", "itimer_cpu.c"));
    expect(runNative(program)).toBe(
      "timer 1: setitimer 0 Success, getitimer 0\ntimer 2: setitimer 0 Success, getitimer 0\n[exit 0]\n",
    );
  });
  for (const runtime of RUNTIMES) {
    test(`${runtime}: ENOSYS, never a timer that cannot expire`, { timeout: 300_000 }, () => {
      expect(program, "the build failed").toBeDefined();
      const enosys = "setitimer -1 Function not implemented, getitimer -1";
      expect(runWasm(program, runtime)).toBe(`timer 1: ${enosys}\ntimer 2: ${enosys}\n[exit 0]\n`);
    });
  }
});

describe.skipIf(missing !== undefined)("another process", () => {
  let program: Program;
  test("natively: system and posix_spawn run it", { timeout: 300_000 }, () => {
    program = build(path.join(root, "test", "c-host", "no_processes.c"));
    expect(runNative(program)).toBe(
      "system(NULL) says a shell is there: 1\nsystem: 7 \nposix_spawn: Success\nposix_spawnp: Success\n[exit 0]\n",
    );
  });
  for (const runtime of RUNTIMES) {
    test(`${runtime}: no shell, ENOSYS (as popen), an error number from posix_spawn`, { timeout: 300_000 }, () => {
      expect(program, "the build failed").toBeDefined();
      const enosys = "Function not implemented";
      expect(runWasm(program, runtime)).toBe(
        `system(NULL) says a shell is there: 0\nsystem: -1 ${enosys}\nposix_spawn: ${enosys}\nposix_spawnp: ${enosys}\n` +
          `daemon: -1 ${enosys}\n[exit 0]\n`,
      );
    });
  }
});

describe.skipIf(missing !== undefined)("the program's machine", () => {
  let program: Program;
  test("natively: the host's loads and memory", { timeout: 300_000 }, () => {
    program = build(path.join(root, "test", "c-host", "machine.c"));
    const out = runNative(program);
    expect(out).toMatch(/^getloadavg: 3 \nsysinfo: 0\n/);
    expect(out).toMatch(/after 64 MiB of malloc, freeram is at least 60 MiB less: [01]\n\[exit 0\]\n$/);
  });
  for (const runtime of RUNTIMES) {
    test(`${runtime}: no /proc (getloadavg -1 ENOENT), the WebAssembly memory as RAM`, { timeout: 300_000 }, () => {
      expect(program, "the build failed").toBeDefined();
      expect(runWasm(program, runtime)).toBe(
        "getloadavg: -1 No such file or directory\nsysinfo: 0\ntotalram 4294901760 mem_unit 1 procs 1\n" +
          "freeram: more than 1 GiB 1, less than totalram 1\nswap 0 0 shared 0 buffer 0 high 0 0\nloads 0 0 0\n" +
          "after 64 MiB of malloc, freeram is at least 60 MiB less: 1\n[exit 0]\n",
      );
    });
  }
});

describe.skipIf(missing !== undefined)("sem_wait on a semaphore nothing will post", () => {
  let program: Program;
  test("natively: the alarm interrupts it", { timeout: 300_000 }, () => {
    program = build(path.join(root, "test", "c-host", "sem_wait.c"));
    expect(runNative(program)).toBe("alarm: sem_wait -1 Interrupted system call, handler ran 1\n[exit 0]\n");
  });
  for (const runtime of RUNTIMES) {
    test(`${runtime}: the alarm interrupts it; without one EDEADLK, where Linux hangs`, { timeout: 300_000 }, () => {
      expect(program, "the build failed").toBeDefined();
      expect(runWasm(program, runtime)).toBe(
        "alarm: sem_wait -1 Interrupted system call, handler ran 1\n" +
          "no alarm: sem_wait -1 Resource deadlock would occur\n[exit 0]\n",
      );
    });
  }
});

describe.skipIf(missing !== undefined)("names without a network", () => {
  let program: Program;
  test("natively: not looked up (the answers depend on the host)", { timeout: 300_000 }, () => {
    program = build(path.join(root, "test", "c-host", "offline_names.c"));
    expect(runNative(program)).toBe("no lookups natively\n[exit 0]\n");
  });
  for (const runtime of RUNTIMES) {
    test(`${runtime}: DNS names EAI_FAIL, service names EAI_SERVICE, localhost the loopbacks`, {
      timeout: 300_000,
    }, () => {
      expect(program, "the build failed").toBeDefined();
      expect(runWasm(program, runtime)).toBe(
        "getaddrinfo(example.invalid, 80): -4\ngetaddrinfo(www.gnu.org, NULL): -4\n" +
          "getaddrinfo(127.0.0.1, http): -8\ngetaddrinfo(localhost, NULL): 0 ::1 127.0.0.1\n" +
          "getaddrinfo(LocalHost, 7): 0 ::1\nEAI_FAIL -4 EAI_SERVICE -8 EAI_NONAME -2\n" +
          "getnameinfo(127.0.0.1:80): 0 localhost 80\ngetnameinfo(192.0.2.1:80): 0 192.0.2.1 80\n" +
          "getnameinfo(192.0.2.1:80, NI_NAMEREQD): -2\n[exit 0]\n",
      );
    });
  }
});
