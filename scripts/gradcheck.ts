// npm run gradcheck -- --hidden 64,64 --activation improved-sigmoid [--epsilon 1e-3]: the numerical
// gradient check of tasks 2b/4c; prints the largest difference per layer, exits 1 above the
// tolerance (1e-6, the course's ε² for ε = 1e-3).

import { runGradientCheck, type GradCheckSpec } from "../src/mlp/gradcheck";
import { InputError } from "../src/base/errors";
import { listFlag, numberFlag, parseFlags, runMain } from "./lib/cli";

await runMain(() => {
  const { values, positionals } = parseFlags({
    allowPositionals: true,
    options: {
      hidden: { type: "string" },
      activation: { type: "string" },
      epsilon: { type: "string" },
      tolerance: { type: "string" },
      images: { type: "string" },
      seed: { type: "string" },
      dataset: { type: "string" },
      "data-dir": { type: "string" },
    },
  });
  if (positionals.length > 0) throw new InputError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const spec: GradCheckSpec = {
    hidden: listFlag("hidden", values.hidden),
    activation: values.activation as GradCheckSpec["activation"],
    epsilon: numberFlag("epsilon", values.epsilon),
    tolerance: numberFlag("tolerance", values.tolerance),
    images: numberFlag("images", values.images),
    seed: numberFlag("seed", values.seed),
    dataset: values.dataset as GradCheckSpec["dataset"],
  };
  const r = runGradientCheck(spec, values["data-dir"]);
  console.log(`gradient check: hidden [${r.hidden.join(", ")}], ${r.activation}, ${r.images} images, ε = ${r.epsilon}`);
  r.maxDifference.forEach((d, l) => {
    console.log(`  layer ${l + 1}: max |approx − analytic| = ${d.toExponential(2)} ${d <= r.tolerance ? "ok" : "FAIL"}`);
  });
  console.log(r.passed ? `passed (every difference ≤ ${r.tolerance})` : `failed: a difference exceeds ${r.tolerance}`);
  return r.passed ? 0 : 1;
});
