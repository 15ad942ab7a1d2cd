// Usage: node scripts/check-wasm-imports.mjs [--shared] FILE.wasm
// Fails unless every import comes from wasi_snapshot_preview1 (so any WASI
// host can run the module) and the exported memory starts at 65535 pages
// (4 GiB minus the 64 KiB the core never maps, so it never has to grow and
// its byteLength fits in 32 bits, which some WASI hosts need), shared with
// --shared (anymmap-shared.wasm) and unshared without.
import { readFileSync } from "node:fs";

const WASI = "wasi_snapshot_preview1";
const PAGES = 65535;

const args = process.argv.slice(2);
const wantShared = args[0] === "--shared";
const file = wantShared ? args[1] : args[0];
if (!file) {
  console.error("usage: node scripts/check-wasm-imports.mjs [--shared] FILE.wasm");
  process.exit(2);
}
const bytes = readFileSync(file);
const problems = [];

// Compiling validates the module and gives the import list.
const imports = WebAssembly.Module.imports(new WebAssembly.Module(bytes));
for (const imp of imports) {
  if (imp.module !== WASI) problems.push(`imports ${imp.module}.${imp.name} (${imp.kind}); only ${WASI} is allowed`);
}

// The JS API does not expose memory limits, so read them from the binary.
const memory = exportedMemoryLimits(bytes);
if (!memory) problems.push("does not export a memory");
else if (memory.imported) problems.push(`exports memory "${memory.name}" but imports it instead of defining it`);
else if (memory.initial !== PAGES)
  problems.push(`exported memory "${memory.name}" starts at ${memory.initial} pages, want ${PAGES} (4 GiB - 64 KiB)`);
else if (memory.shared !== wantShared)
  problems.push(
    `exported memory "${memory.name}" is ${memory.shared ? "" : "not "}shared; want ${wantShared ? "shared (--shared)" : "unshared"}`,
  );

if (problems.length > 0) {
  console.error(`check-wasm-imports: ${file}:`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(
  `check-wasm-imports: ${file}: ${memory.shared ? "shared " : ""}memory "${memory.name}" ${memory.initial} pages; ${imports.length} imports:`,
);
for (const imp of imports) console.log(`  ${imp.module}.${imp.name} (${imp.kind})`);

// Returns { name, imported, initial, shared } for the first exported memory, or null.
function exportedMemoryLimits(buf) {
  let pos = 8; // magic + version
  const u8 = () => buf[pos++];
  const leb = () => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = u8();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) return result;
    }
  };
  const num = () => Number(leb());
  const name = () => {
    const len = num();
    const s = buf.subarray(pos, pos + len).toString("utf8");
    pos += len;
    return s;
  };
  const limits = () => {
    const flags = u8();
    const initial = num();
    if (flags & 1) leb(); // maximum
    return { initial, shared: (flags & 2) !== 0 };
  };

  const memories = []; // index space: imported memories first, then defined ones
  while (pos < buf.length) {
    const id = u8();
    const size = num();
    const end = pos + size;
    if (id === 2) {
      for (let n = num(); n > 0; n--) {
        name();
        name();
        const kind = u8();
        if (kind === 0)
          leb(); // function: type index
        else if (kind === 1) {
          u8(); // table: reftype + limits
          limits();
        } else if (kind === 2) memories.push({ imported: true, ...limits() });
        else if (kind === 3) {
          u8(); // global: valtype + mutability
          u8();
        } else if (kind === 4) {
          u8(); // tag: attribute + type index
          leb();
        }
      }
    } else if (id === 5) {
      for (let n = num(); n > 0; n--) memories.push({ imported: false, ...limits() });
    } else if (id === 7) {
      for (let n = num(); n > 0; n--) {
        const exportName = name();
        const kind = u8();
        const index = num();
        if (kind === 2) return { name: exportName, ...memories[index] };
      }
      return null;
    }
    pos = end;
  }
  return null;
}
