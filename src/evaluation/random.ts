/**
 * The seeded random numbers of the simulations (the forecast) and of the demo data: the same seed
 * gives the same figures, so a forecast can be reproduced and a test can pin one.
 */
/** mulberry32: small, fast, and good enough for sampling; not for anything secret. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
