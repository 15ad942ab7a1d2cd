/** Half-open address ranges [start, end), as the engines keep them. Runtime-free. */
export type Range = [number, number];

/** `ranges` without [a, b). */
export function minus(ranges: Range[], a: number, b: number): Range[] {
  const out: Range[] = [];
  for (const [s, e] of ranges) {
    if (e <= a || s >= b) out.push([s, e]);
    else {
      if (s < a) out.push([s, a]);
      if (e > b) out.push([b, e]);
    }
  }
  return out;
}
