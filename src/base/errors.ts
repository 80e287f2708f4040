// Errors the user can fix. Scripts print `message` alone (no stack) and exit non-zero;
// anything else escaping is a bug and keeps its stack.

/** Bad input from the user: a flag, a config value, a file, a data folder. */
export class InputError extends Error {
  override name = "InputError";
}

/** Training produced a NaN or infinite loss. */
export class DivergenceError extends Error {
  override name = "DivergenceError";
  constructor(
    readonly step: number,
    readonly loss: number,
    message?: string,
  ) {
    super(message ?? `training diverged at step ${step}: the batch loss is ${loss}; try a smaller learning rate`);
  }
}
