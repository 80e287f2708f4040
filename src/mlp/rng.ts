// NumPy's legacy random generator (np.random.seed / uniform / normal / shuffle), bit for bit.
// MT19937 with init_genrand, 53-bit doubles from two draws, the polar Gaussian with one cached
// value, and the legacy Fisher-Yates shuffle with masked rejection sampling. The only source of
// randomness in the project.

const N = 624;
const M = 397;

/** Generator state: the MT19937 key, its position and the polar method's cached value. */
export interface Rng {
  readonly mt: Uint32Array;
  pos: number;
  gauss: number | null;
}

/** np.random.seed(seed) for an integer seed in [0, 2^32). */
export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`seed ${seed}: expected an integer in [0, 4294967295]`);
  }
  const mt = new Uint32Array(N);
  mt[0] = seed >>> 0;
  for (let i = 1; i < N; i++) {
    const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
    mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
  }
  return { mt, pos: N, gauss: null };
}

function twist(mt: Uint32Array): void {
  for (let i = 0; i < N; i++) {
    const y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
    let v = mt[(i + M) % N] ^ (y >>> 1);
    if (y & 1) v ^= 0x9908b0df;
    mt[i] = v >>> 0;
  }
}

/** The next raw 32-bit output. */
export function nextUint32(rng: Rng): number {
  if (rng.pos >= N) {
    twist(rng.mt);
    rng.pos = 0;
  }
  let y = rng.mt[rng.pos++];
  y ^= y >>> 11;
  y ^= (y << 7) & 0x9d2c5680;
  y ^= (y << 15) & 0xefc60000;
  y ^= y >>> 18;
  return y >>> 0;
}

/** np.random.random_sample(): a double in [0, 1) with 53 random bits. */
export function randomDouble(rng: Rng): number {
  const a = nextUint32(rng) >>> 5;
  const b = nextUint32(rng) >>> 6;
  return (a * 67108864 + b) / 9007199254740992;
}

/** np.random.uniform(lo, hi). */
export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * randomDouble(rng);
}

/** np.random.standard_normal() by the legacy polar method. */
export function gauss(rng: Rng): number {
  if (rng.gauss !== null) {
    const cached = rng.gauss;
    rng.gauss = null;
    return cached;
  }
  let x1: number, x2: number, r2: number;
  do {
    x1 = 2 * randomDouble(rng) - 1;
    x2 = 2 * randomDouble(rng) - 1;
    r2 = x1 * x1 + x2 * x2;
  } while (r2 >= 1 || r2 === 0);
  const f = Math.sqrt((-2 * Math.log(r2)) / r2);
  rng.gauss = f * x1;
  return f * x2;
}

/** np.random.normal(loc, scale). */
export function normal(rng: Rng, loc: number, scale: number): number {
  return loc + scale * gauss(rng);
}

/** Fill `out` row-major with np.random.uniform(lo, hi, size=...). */
export function fillUniform(rng: Rng, out: Float64Array, lo: number, hi: number): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = uniform(rng, lo, hi);
  return out;
}

/** Fill `out` row-major with np.random.normal(loc, scale, size=...). */
export function fillNormal(rng: Rng, out: Float64Array, loc: number, scale: number): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = normal(rng, loc, scale);
  return out;
}

/** A uniform integer in [0, max] by masked rejection (NumPy's random_interval). */
export function randomInterval(rng: Rng, max: number): number {
  if (max === 0) return 0;
  let mask = max;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  mask >>>= 0;
  let v: number;
  do {
    v = (nextUint32(rng) & mask) >>> 0;
  } while (v > max);
  return v;
}

/** np.random.shuffle(list) in place: for i = n-1 down to 1, swap items i and interval(i). */
export function shuffleInPlace(rng: Rng, items: { length: number; [i: number]: number }): void {
  for (let i = items.length - 1; i >= 1; i--) {
    const j = randomInterval(rng, i);
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
}
