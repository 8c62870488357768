/** mulberry32: numbers in [0, 1) from a seed, the same sequence on every run. */
export function random(seed: number): () => number;
