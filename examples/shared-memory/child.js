// The worker of fork.js: fork's child.
import { anymmap, parent } from "./runtime.js";

const port = await parent();
port.post("ready");
const { unshared: copy, page } = await port.next();
let unshared = copy;
const mapping = anymmap.attach(page);
const shared = mapping.bytes;
port.post("Child process running...");
port.post(`Value of \`unshared\` is ${unshared}, value of \`shared\` is ${shared[0]}`);
port.post("Child process changing `shared` and `unshared`...");
unshared = 64;
shared[0] = 128;
port.post(`On child process, \`unshared\` is ${unshared}, \`shared\` is ${shared[0]}`);
mapping.munmap();
port.post("exit");
