// The worker of scenario.js: attaches what it is sent and reports back.
import { anymmap, parent } from "../../examples/shared-memory/runtime.js";

const port = await parent();
port.post("ready");
let mapping;
for (;;) {
  const msg = await port.next();
  try {
    if (msg.op === "count") {
      const m = anymmap.attach(msg.page);
      const view = m.view(0, 8, "write");
      const counter = new Int32Array(view.buffer, view.byteOffset, 2);
      for (let i = 0; i < msg.rounds; i++) Atomics.add(counter, 0, 1);
      m.munmap();
      port.post(msg.rounds);
    } else if (msg.op === "attach") {
      mapping = anymmap.attach(msg.page);
      port.post(new TextDecoder().decode(mapping.read(0, 6)));
    } else if (msg.op === "write") {
      mapping.write(msg.text, 0);
      port.post(new TextDecoder().decode(mapping.read(0, msg.text.length)));
    } else if (msg.op === "detach") {
      mapping.munmap();
      port.post(mapping.mapped);
    }
  } catch (e) {
    port.post({ code: e.code, syscall: e.syscall, message: e.message });
  }
}
