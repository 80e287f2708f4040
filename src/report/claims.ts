// Claims: what the report's prose says about its results, written where it says it and checked by
// the build against the recorded numbers, so that a sentence cannot go on saying something the
// numbers no longer support.
//
//   {{claim 3c.valLoss > 3a.valLoss}}                       a comparison
//   {{claim 4b.trainAccuracy - 4b.valAccuracy > 0.02}}      arithmetic (+ − * / and parentheses; a
//                                                             binary minus needs spaces around it)
//   {{claim 3c.valAccuracy ≈ 3a.valAccuracy within 0.003}}  "close to": |a − b| ≤ the tolerance
//
// Operators: <, >, <=, >=, = (exactly: for counts), ≈ (or ~=) … within T. Names are recorded numbers (`task.name`) and run
// settings (`runs.ID.setting`). A claim renders as nothing; a false one fails the build with one line
// naming the file, the line, the claim and the numbers on both sides.
//
// May import: base, contract.

import { formatNumber, type NumberFormat } from "../contract/format";

export interface Value {
  readonly value: number;
  /** How the report shows it (for messages). */
  readonly format: NumberFormat | null;
}

/** A name's value, or null when the name is unknown. */
export type Lookup = (name: string) => Value | null;

export type Comparison = "<" | ">" | "<=" | ">=" | "=" | "≈";

export interface Claim {
  readonly left: Expr;
  readonly op: Comparison;
  readonly right: Expr;
  /** For ≈: the largest |left − right| that is still "close". */
  readonly within: Expr | null;
}

export type Expr =
  | { readonly kind: "num"; readonly value: number }
  | { readonly kind: "name"; readonly name: string }
  | { readonly kind: "neg"; readonly arg: Expr }
  | { readonly kind: "bin"; readonly op: "+" | "-" | "*" | "/"; readonly left: Expr; readonly right: Expr };

export class ClaimSyntaxError extends Error {
  override name = "ClaimSyntaxError";
}

// Names first (their first part has a letter: "2c", "3-ind-sigmoid", "runs"), then operators, then numbers.
const TOKEN =
  /\s*(?:((?=[\w-]*[A-Za-z])\w[\w-]*(?:\.[\w-]+){1,2})|(<=|>=|~=|≈|<|>|=|\(|\)|\*|\/|\+|-|within\b)|(\d+(?:\.\d+)?(?:e[-+]?\d+)?))/y;

const NAME = /^(?=[\w-]*[A-Za-z])\w[\w-]*\./;

function tokenize(src: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < src.length) {
    if (/^\s*$/.test(src.slice(at))) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(src);
    if (!m) throw new ClaimSyntaxError(`cannot read "${src.slice(at).trim().slice(0, 20)}"`);
    out.push(m[1] ?? m[2] ?? m[3]);
    at = TOKEN.lastIndex;
  }
  return out;
}

/** Parse `EXPR OP EXPR [within EXPR]`. */
export function parseClaim(src: string): Claim {
  const t = tokenize(src);
  let i = 0;
  const peek = () => t[i];
  const next = () => t[i++];
  const primary = (): Expr => {
    const tok = next();
    if (tok === undefined) throw new ClaimSyntaxError("the claim ends too early");
    if (tok === "(") {
      const e = sum();
      if (next() !== ")") throw new ClaimSyntaxError("a ( is not closed");
      return e;
    }
    if (tok === "-") return { kind: "neg", arg: primary() };
    if (NAME.test(tok)) return { kind: "name", name: tok };
    if (/^\d/.test(tok)) return { kind: "num", value: Number(tok) };
    throw new ClaimSyntaxError(`unexpected "${tok}"`);
  };
  const product = (): Expr => {
    let e = primary();
    while (peek() === "*" || peek() === "/") e = { kind: "bin", op: next() as "*" | "/", left: e, right: primary() };
    return e;
  };
  const sum = (): Expr => {
    let e = product();
    while (peek() === "+" || peek() === "-") e = { kind: "bin", op: next() as "+" | "-", left: e, right: product() };
    return e;
  };
  const left = sum();
  const opTok = next();
  if (!opTok || !["<", ">", "<=", ">=", "=", "≈", "~="].includes(opTok)) {
    throw new ClaimSyntaxError(`expected a comparison (<, >, <=, >=, =, ≈ … within T)${opTok ? ` where "${opTok}" is` : ""}`);
  }
  const op: Comparison = opTok === "~=" ? "≈" : (opTok as Comparison);
  const right = sum();
  let within: Expr | null = null;
  if (peek() === "within") {
    next();
    within = sum();
  }
  if (op === "≈" && !within) throw new ClaimSyntaxError("≈ needs a tolerance: A ≈ B within T");
  if (op !== "≈" && within) throw new ClaimSyntaxError(`"within" belongs to ≈ only`);
  if (i < t.length) throw new ClaimSyntaxError(`unexpected "${t[i]}" after the claim`);
  return { left, op, right, within };
}

/** The names an expression uses, in order of appearance. */
export function namesOf(e: Expr | null): string[] {
  if (!e) return [];
  switch (e.kind) {
    case "num":
      return [];
    case "name":
      return [e.name];
    case "neg":
      return namesOf(e.arg);
    case "bin":
      return [...namesOf(e.left), ...namesOf(e.right)];
  }
}

function evaluate(e: Expr, lookup: Lookup): number {
  switch (e.kind) {
    case "num":
      return e.value;
    case "name": {
      const v = lookup(e.name);
      if (!v) throw new ClaimSyntaxError(`unknown number "${e.name}"`);
      return v.value;
    }
    case "neg":
      return -evaluate(e.arg, lookup);
    case "bin": {
      const a = evaluate(e.left, lookup),
        b = evaluate(e.right, lookup);
      return e.op === "+" ? a + b : e.op === "-" ? a - b : e.op === "*" ? a * b : a / b;
    }
  }
}

export interface Verdict {
  readonly holds: boolean;
  readonly left: number;
  readonly right: number;
  /** Each name with its value as the report shows it, e.g. "3c.valLoss = 0.1593". */
  readonly values: readonly string[];
}

/** Evaluate a claim; unknown names throw ClaimSyntaxError. */
export function judge(c: Claim, lookup: Lookup): Verdict {
  const left = evaluate(c.left, lookup),
    right = evaluate(c.right, lookup);
  let holds: boolean;
  switch (c.op) {
    case "<":
      holds = left < right;
      break;
    case ">":
      holds = left > right;
      break;
    case "<=":
      holds = left <= right;
      break;
    case ">=":
      holds = left >= right;
      break;
    case "=":
      holds = left === right;
      break;
    case "≈":
      holds = Math.abs(left - right) <= evaluate(c.within!, lookup);
      break;
  }
  const names = [...new Set([...namesOf(c.left), ...namesOf(c.right), ...namesOf(c.within)])];
  const values = names.map((n) => {
    const v = lookup(n)!;
    return `${n} = ${v.format ? formatNumber(v.value, v.format) : String(v.value)}`;
  });
  return { holds: holds && Number.isFinite(left) && Number.isFinite(right), left, right, values };
}

/** One line for a claim that does not hold: both sides' values and the names behind them. */
export function describeFailure(src: string, v: Verdict): string {
  const side = (x: number) => String(Number(x.toPrecision(6)));
  return `claim "${src.trim()}" is false: left side ${side(v.left)}, right side ${side(v.right)} (${v.values.join(", ")})`;
}
