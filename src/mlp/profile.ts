// Where a training run's time goes (npm run bench -- --profile): seconds per phase, added up by
// the training step (model.ts) and loop (train.ts) when a Profile is passed in. Plain data; without
// a profile the hot loop pays one branch per kernel call.

export const PHASES = ["forward GEMMs", "backward GEMMs", "activations", "softmax/loss", "update", "evaluation"] as const;
export type Phase = (typeof PHASES)[number];

/** Indices into Profile.seconds, in PHASES order. */
export const FORWARD = 0,
  BACKWARD = 1,
  ACTIVATION = 2,
  LOSS = 3,
  UPDATE = 4,
  EVALUATION = 5;

export interface Profile {
  /** Seconds per phase, in PHASES order. */
  readonly seconds: Float64Array;
}

export function createProfile(): Profile {
  return { seconds: new Float64Array(PHASES.length) };
}

/** Adds the time since `since` (a performance.now() reading) to `phase`; returns the current reading. */
export function lap(p: Profile, phase: number, since: number): number {
  const now = performance.now();
  p.seconds[phase] += (now - since) / 1000;
  return now;
}

/** The profile as plain data: seconds by phase name. */
export function profileTable(p: Profile): Record<Phase, number> {
  return Object.fromEntries(PHASES.map((name, i) => [name, p.seconds[i]])) as Record<Phase, number>;
}
