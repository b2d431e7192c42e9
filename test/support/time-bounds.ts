// Time bounds that hold on a loaded CI machine: the fastest of a few runs, and growth between two
// input sizes rather than absolute time. Linear work grows with the input (×k for k times the
// input); quadratic work grows with its square (×k²). A floor keeps a sub-millisecond small case
// from turning noise into a ratio.

/** The fastest of `runs` calls, in milliseconds. */
export function fastestMs(fn: () => unknown, runs = 3): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

export interface Growth {
  smallMs: number;
  largeMs: number;
  /** largeMs over max(smallMs, floor). */
  ratio: number;
  /** How many times larger the large input is. */
  factor: number;
}

/**
 * Times `work` on `make(small)` and `make(large)`. A linear `work` has a ratio near `factor`; the
 * caller asserts it stays under a few times `factor`, far below `factor²`.
 */
export function growth(
  make: (size: number) => string,
  work: (input: string) => unknown,
  small: number,
  large: number,
  floorMs = 5,
): Growth {
  const a = make(small);
  const b = make(large);
  work(a); // warm-up: the first call compiles the regular expressions and the code
  const smallMs = fastestMs(() => work(a));
  const largeMs = fastestMs(() => work(b));
  return { smallMs, largeMs, ratio: largeMs / Math.max(smallMs, floorMs), factor: large / small };
}
