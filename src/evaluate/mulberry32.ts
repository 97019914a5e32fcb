/**
 * mulberry32 (Tommy Ettinger, 2017): a small, fast seeded generator of 32-bit integers. Integer
 * arithmetic only, so a seed gives the same sequence on every engine: what makes a bootstrap
 * interval (blockBootstrap.ts) or a benchmark's inputs repeatable.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
