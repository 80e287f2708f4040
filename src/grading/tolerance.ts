// How close two builds' numbers must be: one uniform tolerance (diff's --tolerance 1e-4), or
// per-number rules from a file (grading/tolerances.json): the first rule whose pattern matches a
// number's key ("2c.valAccuracy", "run 2c.learningRate") decides: an absolute or relative
// tolerance, a band the value must lie in whatever the reference says, or nothing to check.
//
// May import: base.

import { readFileSync } from "node:fs";
import { InputError } from "../base/errors";

export const TOLERANCE_FORMAT = "tdt4265-a2-tolerances/1";

export interface Rule {
  /** A glob over keys: `*` any run of characters, `?` one, `{a,b}` either. */
  readonly match: string;
  /** |a − b| ≤ abs. */
  readonly abs?: number;
  /** |a − b| ≤ rel · max(1, |a|, |b|). */
  readonly rel?: number;
  /** The value lies in [low, high] (a reference is not needed). */
  readonly band?: readonly [number, number];
  /** Not compared. */
  readonly ignore?: boolean;
  readonly note?: string;
}

export interface Tolerances {
  readonly rules: readonly Rule[];
  /** For keys no rule matches. */
  readonly default: { readonly abs?: number; readonly rel?: number };
}

/** Exact agreement. */
export const EXACT: Tolerances = Object.freeze({ rules: [], default: { rel: 0 } });

/** One tolerance for every number: |a − b| ≤ t · max(1, |a|, |b|). */
export function uniformTolerance(t: number): Tolerances {
  return { rules: [], default: { rel: t } };
}

/** A glob as a regular expression over a whole key. */
export function globRegExp(glob: string): RegExp {
  let re = "",
    depth = 0;
  for (const c of glob) {
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "{") {
      re += "(?:";
      depth++;
    } else if (c === "}" && depth > 0) {
      re += ")";
      depth--;
    } else if (c === "," && depth > 0) re += "|";
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  if (depth) throw new InputError(`pattern ${JSON.stringify(glob)}: an unclosed {`);
  return new RegExp(`^${re}$`);
}

const nonNegative = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v >= 0;

/** Read a tolerance file's text; `what` names it in errors. */
export function parseTolerances(json: string, what: string): Tolerances {
  let t: { format?: unknown; rules?: unknown; default?: unknown };
  try {
    t = JSON.parse(json) as typeof t;
  } catch (e) {
    throw new InputError(`${what}: malformed JSON (${(e as Error).message.split("\n")[0]})`);
  }
  if (!t || typeof t !== "object" || t.format !== TOLERANCE_FORMAT || !Array.isArray(t.rules)) {
    throw new InputError(`${what}: not a tolerance file (expected "format": "${TOLERANCE_FORMAT}" and a "rules" list)`);
  }
  const rules = t.rules.map((r: unknown, i): Rule => {
    const rule = r as Rule;
    const bad = (why: string) => new InputError(`${what}: rule ${i + 1}: ${why}`);
    if (!rule || typeof rule !== "object" || typeof rule.match !== "string" || rule.match === "")
      throw bad(`expected {"match": "2c.valAccuracy", …}`);
    globRegExp(rule.match);
    if (rule.abs !== undefined && !nonNegative(rule.abs)) throw bad(`abs ${JSON.stringify(rule.abs)}: expected a number ≥ 0`);
    if (rule.rel !== undefined && !nonNegative(rule.rel)) throw bad(`rel ${JSON.stringify(rule.rel)}: expected a number ≥ 0`);
    if (
      rule.band !== undefined &&
      !(
        Array.isArray(rule.band) &&
        rule.band.length === 2 &&
        rule.band.every((x) => typeof x === "number" && Number.isFinite(x)) &&
        rule.band[0] <= rule.band[1]
      )
    ) {
      throw bad(`band ${JSON.stringify(rule.band)}: expected [low, high]`);
    }
    if (rule.ignore !== undefined && typeof rule.ignore !== "boolean")
      throw bad(`ignore ${JSON.stringify(rule.ignore)}: expected true or false`);
    if (rule.abs === undefined && rule.rel === undefined && rule.band === undefined && !rule.ignore)
      throw bad("expected abs, rel, band or ignore");
    return rule;
  });
  const d = (t.default ?? { rel: 0 }) as Tolerances["default"];
  if (typeof d !== "object" || (d.abs !== undefined && !nonNegative(d.abs)) || (d.rel !== undefined && !nonNegative(d.rel))) {
    throw new InputError(`${what}: default ${JSON.stringify(t.default)}: expected {"abs": …} or {"rel": …}`);
  }
  return { rules, default: d };
}

/** --tolerance as given: a number (uniform) or a tolerance file. */
export function toleranceFlag(v: string | undefined): Tolerances {
  if (v === undefined) return EXACT;
  const n = Number(v);
  if (v.trim() !== "" && Number.isFinite(n)) {
    if (n < 0) throw new InputError(`--tolerance ${v}: expected a number ≥ 0 or a tolerance file`);
    return uniformTolerance(n);
  }
  let text: string;
  try {
    text = readFileSync(v, "utf8");
  } catch {
    throw new InputError(`--tolerance ${JSON.stringify(v)}: expected a number ≥ 0 or a tolerance file (no such file)`);
  }
  return parseTolerances(text, v);
}

const compiled = new WeakMap<Tolerances, RegExp[]>();

/** The rule for a key (the first that matches), or the default. */
export function ruleFor(key: string, t: Tolerances): Rule | Tolerances["default"] {
  let res = compiled.get(t);
  if (!res) {
    res = t.rules.map((r) => globRegExp(r.match));
    compiled.set(t, res);
  }
  const i = res.findIndex((re) => re.test(key));
  return i >= 0 ? t.rules[i] : t.default;
}

export type Verdict = "agree" | "differ" | "outside band" | "ignored";

/** Whether a student's value `a` agrees with the reference `b` (null: no reference) under the key's rule. */
export function judge(key: string, a: number, b: number | null, t: Tolerances): Verdict {
  const r = ruleFor(key, t) as Rule;
  if (r.ignore) return "ignored";
  if (r.band) return a >= r.band[0] && a <= r.band[1] ? "agree" : "outside band";
  if (b === null) return "agree";
  const d = Math.abs(a - b);
  const allowed = Math.max(r.abs ?? 0, (r.rel ?? 0) * Math.max(1, Math.abs(a), Math.abs(b)));
  return d <= allowed ? "agree" : "differ";
}
