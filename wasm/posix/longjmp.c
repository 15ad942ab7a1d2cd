#include "posix.h"

void __real___wasm_longjmp(void *env, int val);

/* longjmp(env, 0) must make setjmp return 1 (C11 7.13.2.1); Emscripten
 * 3.1.6's WebAssembly longjmp (-sSUPPORT_LONGJMP=wasm) passes the 0 on,
 * and a loop that jumps back with 0 never ends. Linked as
 * --wrap=__wasm_longjmp, the call every longjmp becomes. */
void __wrap___wasm_longjmp(void *env, int val) {
  __real___wasm_longjmp(env, val ? val : 1);
}
