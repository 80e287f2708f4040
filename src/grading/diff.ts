// Grading: two builds' numbers compared (npm run diff): the values that differ beyond a tolerance,
// and those on one side only, as a table.
//
// May import: base, report (and what report may import).

import { printable } from "../base/text";
import type { Numbers } from "./numbers";
import { type Rule, type Tolerances, judge, ruleFor, uniformTolerance } from "./tolerance";

export interface Difference {
  readonly key: string;
  readonly a: number | string | null;
  readonly b: number | string | null;
  /** |a − b| for two numbers, else null. */
  readonly difference: number | null;
  /** Why two numbers differ when it is not their distance: "outside band 0.945–0.956". */
  readonly note?: string;
}

/**
 * Keys whose values differ, and keys present on one side only. A number for the tolerance: two
 * numbers agree when |a − b| ≤ tolerance · max(1, |a|, |b|) (absolute for losses and accuracies,
 * relative for counts); tolerance rules (tolerance.ts): as the key's rule says, a band holding for
 * both sides.
 */
export function compareNumbers(a: Numbers, b: Numbers, tolerance: number | Tolerances): Difference[] {
  const tol = typeof tolerance === "number" ? uniformTolerance(tolerance) : tolerance;
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  const out: Difference[] = [];
  for (const key of keys) {
    const x = a.get(key) ?? null,
      y = b.get(key) ?? null;
    if (typeof x === "number" && typeof y === "number") {
      const v = [judge(key, x, y, tol), judge(key, y, null, tol)];
      const band = (ruleFor(key, tol) as Rule).band;
      if (v.includes("outside band") && band)
        out.push({ key, a: x, b: y, difference: Math.abs(x - y), note: `outside band ${band[0]}–${band[1]}` });
      else if (v.includes("differ")) out.push({ key, a: x, b: y, difference: Math.abs(x - y) });
    } else if (x !== y) {
      out.push({ key, a: x, b: y, difference: null });
    }
  }
  return out;
}

/** The values that differ as a table (task, name, A, B, difference), then those on one side only. */
export function differenceTable(diffs: readonly Difference[]): string {
  const split = (key: string) => [key.slice(0, key.lastIndexOf(".")), key.slice(key.lastIndexOf(".") + 1)].map(printable);
  const both = diffs.filter((d) => d.a !== null && d.b !== null);
  const parts: string[] = [];
  if (both.length) {
    const all = [
      ["task", "name", "A", "B", "difference"],
      ...both.map((d) => [
        ...split(d.key),
        printable(String(d.a)),
        printable(String(d.b)),
        d.note ?? (d.difference === null ? "" : d.difference.toExponential(2)),
      ]),
    ];
    const widths = all[0].map((_, i) => Math.max(...all.map((r) => r[i].length)));
    parts.push(
      all
        .map((r) =>
          r
            .map((c, i) => c.padEnd(widths[i]))
            .join("  ")
            .trimEnd(),
        )
        .join("\n"),
    );
  }
  for (const [side, pick] of [
    ["A", (d: Difference) => d.b === null],
    ["B", (d: Difference) => d.a === null],
  ] as const) {
    const only = diffs.filter(pick);
    if (only.length)
      parts.push(`only in ${side}: ` + only.map((d) => printable(`${d.key} = ${String(side === "A" ? d.a : d.b)}`)).join(", "));
  }
  return parts.join("\n");
}
