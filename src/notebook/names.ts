// How the report's runs are called and coloured, in every figure and table: readable names
// (never an internal id such as "3-ind-sigmoid" alone) and one colour per run, the same everywhere.
//
// May import: base, mlp.

import { PRESETS } from "../mlp/config";

/** A run's name where it stands alone (tables, legends of Task 3). */
export const RUN_NAMES: Readonly<Record<string, string>> = Object.freeze({
  "2c": "baseline (2c)",
  "3a": "+ improved init (3a)",
  "3b": "+ improved sigmoid (3b)",
  "3c": "+ momentum (3c)",
  "3-ind-sigmoid": "improved sigmoid alone",
  "3-ind-momentum": "momentum alone",
  "4a": "32 units (4a)",
  "4b": "128 units (4b)",
  "4d": "two layers (4d)",
  "4e": "10 × 64, improved sigmoid (4e)",
  "4f": "10 × 64, ReLU (4f)",
});

/** A colour per run, distinct within any figure, the same in all. */
export const RUN_COLORS: Readonly<Record<string, string>> = Object.freeze({
  "2c": "#1f77b4",
  "3a": "#ff7f0e",
  "3b": "#2ca02c",
  "3c": "#d62728",
  "3-ind-sigmoid": "#9467bd",
  "3-ind-momentum": "#8c564b",
  "4a": "#e377c2",
  "4b": "#7f7f7f",
  "4d": "#bcbd22",
  "4e": "#17becf",
  "4f": "#393b79",
});

/** Activations as a reader names them. */
export const ACTIVATION_NAMES: Readonly<Record<string, string>> = Object.freeze({
  sigmoid: "sigmoid",
  "improved-sigmoid": "improved sigmoid",
  relu: "ReLU",
});

export function activationName(a: string): string {
  return ACTIVATION_NAMES[a] ?? a;
}

const FALLBACK = ["#637939", "#ad494a", "#3182bd", "#e6550d", "#31a354", "#756bb1"];

export function runName(id: string): string {
  return RUN_NAMES[id] ?? id;
}

export function runColor(id: string): string {
  if (RUN_COLORS[id]) return RUN_COLORS[id];
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return FALLBACK[h % FALLBACK.length];
}

/** Every preset has a name and a colour (checked by a test). */
export function namedPresets(): string[] {
  return Object.keys(PRESETS).filter((id) => RUN_NAMES[id] && RUN_COLORS[id]);
}
