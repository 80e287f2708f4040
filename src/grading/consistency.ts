// The results a PDF carries, checked against themselves: every part present and well formed; the
// run configs exactly those the recorded parameters ask for; the mode as the runs' sizes show it,
// not as a label says; each run's numbers possible for its config (steps, epochs, early stopping,
// accuracies that are a count of images over the split's size); every number a table shows tied
// to a recorded number (or a setting, a reference constant, a dataset size); and numbers in the
// figures' titles and annotations recorded ones.
//
// May import: base, mlp, contract, report.

import { FORMATS, formatNumber } from "../contract/format";
import { type RunConfig, normalizeRun } from "../mlp/config";
import { ACCURACY_BANDS, EXACT_TARGETS } from "../mlp/reference";
import type { ResultsFile, ResultsTable } from "../report/results";
import { type DerivedMode, RUN_NUMBERS, derivedMode, expectedRuns, runSize } from "../report/runs";
import type { ReportSource } from "../report/source";
import type { Finding } from "./outcome";

export interface Consistency {
  readonly findings: Finding[];
  /** The mode the runs' sizes show ("" when the runs are unreadable). */
  readonly mode: DerivedMode | "";
  /** Numbers checked: recorded numbers and numeric table cells. */
  readonly checked: number;
  /** Table cells whose numbers no recorded number, setting or constant accounts for (not failures). */
  readonly unchecked: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const norm = (s: string) => s.replace(/[\s\u00a0\u2009\u202f]+/g, " ").trim();
const plural = (n: number, one: string, many = one + "s") => `${n} ${n === 1 ? one : many}`;

/** Whether a cell's text shows `v`: in one of the formats, or rounded, followed by nothing or a remark. */
export function shows(text: string, v: number): boolean {
  const t = norm(text);
  if ((v === 1 && /^(yes|true)\b/.test(t)) || (v === 0 && /^(no|false)\b/.test(t))) return true;
  const forms = new Set<string>(FORMATS.map((f) => formatNumber(v, f)));
  for (let k = 0; k <= 6; k++) {
    forms.add(v.toFixed(k));
    forms.add((100 * v).toFixed(k));
  }
  for (const f of forms) if (t === f || (t.startsWith(f) && /^[\s(]/.test(t.slice(f.length)))) return true;
  return false;
}

/** The numbers in a cell like "94.300 % – 95.300 %". */
const NUMBER_TOKEN = /[−\-+]?\d[\d  ]*(?:\.\d+)?(?:e[−\-+]?\d+)?(?: %)?/g;
const NUMERIC_CELL = /^[−\-+]?[\d.,  ]+( %)?(e[−\-+]?\d+)?( – [−\-+]?[\d.,  ]+( %)?(e[−\-+]?\d+)?)?$/;

/** All renderings of a number a table or figure may use. */
function renderings(v: number): string[] {
  const out = FORMATS.map((f) => formatNumber(v, f));
  for (let k = 0; k <= 4; k++) out.push((100 * v).toFixed(k), `${(100 * v).toFixed(k)} %`);
  return out;
}

export function checkResults(r: ResultsFile, source?: ReportSource | null): Consistency {
  const findings: Finding[] = [];
  const unchecked: string[] = [];
  const add = (message: string, key?: string) => findings.push({ kind: "attachment", message, ...(key ? { key } : {}) });
  let checked = 0;

  // ---- parts present and well formed ---------------------------------------------------------
  const meta = r.meta as unknown;
  if (!isObject(meta)) add("results.json has no meta");
  const m = isObject(meta) ? meta : {};
  if (m.mode !== "full" && m.mode !== "quick") add(`results.json meta.mode is ${JSON.stringify(m.mode)}, expected "full" or "quick"`);
  const params = isObject(m.params) ? m.params : null;
  if (!params) add("results.json has no meta.params");
  const dataset = isObject(m.dataset) ? m.dataset : null;
  const files = dataset && Array.isArray(dataset.files) ? (dataset.files as unknown[]).filter(isObject) : [];
  if (files.length === 0) add("results.json names no dataset files");

  // Without a prototype: a task named "__proto__" in a hostile file is just a key.
  const tasks: Record<string, Record<string, number>> = Object.create(null) as Record<string, Record<string, number>>;
  if (!isObject(r.tasks) || Object.keys(r.tasks).length === 0) add("results.json records no numbers (tasks is empty)");
  else {
    for (const [task, names] of Object.entries(r.tasks as Record<string, unknown>)) {
      if (!isObject(names) || Object.keys(names).length === 0) {
        add(`results.json task ${task} records no numbers`);
        continue;
      }
      tasks[task] = Object.create(null) as Record<string, number>;
      for (const [name, v] of Object.entries(names)) {
        if (typeof v !== "number" || !Number.isFinite(v)) add(`${task}.${name} is ${JSON.stringify(v)}, not a number`, `${task}.${name}`);
        else {
          tasks[task][name] = v;
          checked++;
          const f = isObject(r.formats) && isObject(r.formats[task]) ? (r.formats[task] as Record<string, unknown>)[name] : undefined;
          if (!(FORMATS as readonly unknown[]).includes(f)) add(`${task}.${name} has no format in results.json formats`, `${task}.${name}`);
        }
      }
    }
  }
  const value = (task: string, name: string): number | undefined => tasks[task]?.[name];

  // ---- runs: complete configs, exactly those the parameters ask for ----------------------------
  const runs = new Map<string, RunConfig>();
  if (!isObject(r.runs) || Object.keys(r.runs).length === 0) add("results.json has no runs");
  else {
    for (const [id, c] of Object.entries(r.runs as Record<string, unknown>)) {
      try {
        if (!isObject(c) || c.id !== id) throw new Error(`its config names run ${isObject(c) ? JSON.stringify(c.id) : "nothing"}`);
        const { id: _id, ...spec } = c;
        const n = { ...normalizeRun(spec), id };
        if (JSON.stringify(n) !== JSON.stringify(c)) throw new Error("its config is not complete and normalised");
        runs.set(id, c as unknown as RunConfig);
      } catch (e) {
        add(`run ${id}: ${(e as Error).message}`);
      }
    }
  }
  if (params && runs.size) {
    try {
      const expected = new Map(expectedRuns(params).map((c) => [c.id, c] as const));
      // Runs that differ from the parameters in the same way are one finding.
      const alike = new Map<string, string[]>();
      for (const [id, c] of runs) {
        const want = expected.get(id);
        if (!want) add(`run ${id} is not a run of the report`);
        else if (JSON.stringify(want) !== JSON.stringify(c)) {
          const diff = Object.keys(want).filter((k) => JSON.stringify((want as never)[k]) !== JSON.stringify((c as never)[k]));
          const how =
            `${diff.map((k) => `${k} ${JSON.stringify((c as never)[k])}`).join(", ")}, but the recorded parameters ` +
            `${JSON.stringify(params)} give ${diff.map((k) => JSON.stringify((want as never)[k])).join(", ")}`;
          alike.set(how, [...(alike.get(how) ?? []), id]);
        }
      }
      for (const [how, ids] of alike) add(`${ids.length === 1 ? "run" : "runs"} ${ids.join(", ")}: ${how}`);
      const missing = [...expected.keys()].filter((id) => !runs.has(id));
      if (missing.length) add(`results.json has no config for ${plural(missing.length, "run")} of the report: ${missing.join(", ")}`);
    } catch (e) {
      add(`results.json meta.params ${JSON.stringify(params)}: ${(e as Error).message}`);
    }
  }

  // ---- mode: from the runs' sizes --------------------------------------------------------------
  const mode = runs.size ? derivedMode([...runs.values()]) : "";
  const label = m.mode,
    quickParam = params?.quick === true;
  if (runs.size && (label === "full" || label === "quick")) {
    const sizes = (c: RunConfig) => `${c.trainSize} training images, ${c.valSize} validation images, ≤ ${c.epochs} epochs`;
    const odd = [...runs.values()].filter((c) => runSize(c) !== label);
    if (mode !== "mixed" && mode !== label) {
      findings.push({ kind: "mode", message: `labelled ${label}, but every run is ${mode}-sized (${sizes([...runs.values()][0])})` });
    } else if (mode === "mixed" && odd.length === runs.size) {
      findings.push({ kind: "mode", message: `labelled ${label}, but no run has ${label} sizes (run ${odd[0].id}: ${sizes(odd[0])})` });
    }
    if ((label === "quick") !== quickParam) {
      findings.push({ kind: "mode", message: `labelled ${label}, but the recorded parameters say quick: ${quickParam}` });
    }
  }

  // ---- each run's numbers: present and possible for its config -----------------------------------
  for (const [id, c] of runs) {
    const missing = RUN_NUMBERS.filter((n) => value(id, n) === undefined);
    if (missing.length) {
      add(`run ${id}: results.json does not record its ${missing.join(", ")}`, `${id}.${missing[0]}`);
      continue;
    }
    const [steps, epochs, stopped] = ["steps", "epochs", "stoppedEarly"].map((n) => value(id, n)!);
    const perEpoch = Math.floor(c.trainSize / c.batchSize),
      maxSteps = perEpoch * c.epochs;
    const checkEvery = c.checksPerEpoch === 0 ? 0 : Math.max(1, Math.floor(perEpoch / c.checksPerEpoch));
    const say = (name: string, why: string) => add(`${id}.${name} = ${value(id, name)}: ${why}`, `${id}.${name}`);
    if (!Number.isInteger(steps) || steps < 1 || steps > maxSteps)
      say("steps", `not an integer from 1 to ${maxSteps} (${c.epochs} epochs of ${perEpoch} steps)`);
    else if (stopped !== 0 && stopped !== 1) say("stoppedEarly", "expected 0 or 1");
    else if (stopped === 0 && steps !== maxSteps) say("steps", `a run that did not stop early makes all ${maxSteps} steps`);
    else if (
      stopped === 1 &&
      (checkEvery === 0 || c.earlyStopWindow === 0 || (steps - 1) % checkEvery !== 0 || (steps - 1) / checkEvery + 1 < c.earlyStopWindow)
    ) {
      say("steps", `early stopping happens only at a validation check (every ${checkEvery} steps) after ${c.earlyStopWindow} of them`);
    } else if (epochs !== Math.ceil(steps / perEpoch))
      say("epochs", `${steps} steps of ${perEpoch} per epoch begin ${Math.ceil(steps / perEpoch)} epochs`);
    for (const [name, n] of [
      ["trainAccuracy", c.trainSize],
      ["valAccuracy", c.valSize],
    ] as const) {
      const a = value(id, name)!;
      if (!(a >= 0 && a <= 1) || Math.abs(a * n - Math.round(a * n)) > 1e-6) say(name, `not a whole number of the ${n} images correct`);
    }
    for (const name of ["trainLoss", "valLoss"]) if (!(value(id, name)! >= 0)) say(name, "a loss is not negative");
  }

  // ---- tables: each number a table shows is its value, and a recorded one ----------------------
  const tables = Array.isArray(r.tables) ? (r.tables as unknown[]) : null;
  if (!tables || tables.length === 0) add("results.json has no tables");
  const numbered: number[] = [];
  const refs = (task: string | null): number[] => {
    const out: number[] = [];
    const exact = task ? EXACT_TARGETS[task] : undefined;
    if (exact) out.push(Number(exact.trainLoss), Number(exact.valLoss), Number(exact.trainAccuracy) / 100, Number(exact.valAccuracy) / 100);
    const band = task ? ACCURACY_BANDS[task] : undefined;
    if (band) out.push(...band);
    return out;
  };
  const datasetCounts = files.flatMap((f) => {
    const b = Number(f.bytes),
      name = String(f.name);
    const n = name.includes("images") ? (b - 16) / 784 : name.includes("labels") ? b - 8 : NaN;
    return Number.isInteger(n) ? [n] : [];
  });
  // Wall-clock measurements (seconds per epoch) are shown in tables too: recorded, not reproducible.
  const measured = isObject(r.measured)
    ? Object.values(r.measured).flatMap((o) => (isObject(o) ? Object.values(o).filter((v): v is number => typeof v === "number") : []))
    : [];
  const allTaskNumbers = [...Object.values(tasks).flatMap((o) => Object.values(o)), ...measured];
  const settings = (c: RunConfig | undefined) => (c ? Object.values(c).filter((x): x is number => typeof x === "number") : []);
  const allSettings = [...runs.values()].flatMap(settings);
  for (const [k, raw] of (tables ?? []).entries()) {
    if (
      !isObject(raw) ||
      typeof raw.label !== "string" ||
      typeof raw.caption !== "string" ||
      !Array.isArray(raw.columns) ||
      !Array.isArray(raw.rows) ||
      !Array.isArray(raw.values)
    ) {
      add(`results.json table ${k + 1} is malformed`);
      continue;
    }
    const t = raw as unknown as ResultsTable;
    const name = t.number !== null ? `Table ${t.number}` : `table ${t.label}`;
    if (t.number !== null) numbered.push(t.number);
    if (t.rows.length === 0 || t.columns.length === 0) add(`${name} (${t.label}) is empty`);
    if (t.values.length !== t.rows.length) add(`${name} has ${t.rows.length} rows but values for ${t.values.length}`);
    // Columns whose values are recorded numbers: every value in them must be one.
    const recordedColumn = t.columns.map((_, j) =>
      t.values.some((vs, i) => {
        const v = Array.isArray(vs) ? vs[j] : null;
        return (
          typeof v === "number" &&
          (allTaskNumbers.includes(v) || (tasks[String(t.rows[i]?.[0])] && Object.values(tasks[String(t.rows[i][0])]).includes(v)))
        );
      }),
    );
    t.rows.forEach((row, i) => {
      const vs = t.values[i];
      if (!Array.isArray(row) || !Array.isArray(vs) || row.length !== t.columns.length || vs.length !== row.length) {
        add(
          `${name}, row ${i + 1}: ${Array.isArray(row) ? row.length : 0} cells and ${Array.isArray(vs) ? vs.length : 0} values for ${t.columns.length} columns`,
        );
        return;
      }
      // The row's run: its id in the values (the cell shows a reader's name, e.g. "baseline (2c)"), or the cell itself.
      const ids = [vs[0], row[0]].filter((x): x is string => typeof x === "string" && (!!tasks[x] || runs.has(x)));
      const task = ids[0] ?? null;
      const own = task ? [...Object.values(tasks[task] ?? {}), ...settings(runs.get(task)), ...refs(task)] : [];
      const explained = (v: number) =>
        own.includes(v) ||
        allTaskNumbers.includes(v) ||
        allSettings.includes(v) ||
        datasetCounts.includes(v) ||
        own.some((a) => own.some((b) => a - b === v));
      row.forEach((cell, j) => {
        const v = vs[j],
          where = `${name}, row ${typeof row[0] === "string" ? row[0] : i + 1}, ${t.columns[j]}`;
        if (typeof cell !== "string") {
          add(`${where}: a cell that is not text`);
          return;
        }
        if (typeof v === "number") {
          checked++;
          const key = task ? Object.entries(tasks[task] ?? {}).find(([, x]) => x === v)?.[0] : undefined;
          if (!shows(cell, v)) add(`${where}: shows "${cell}", but its value is ${v}`, key ? `${task}.${key}` : undefined);
          else if (!explained(v)) {
            if (task || recordedColumn[j])
              add(`${where}: shows "${cell}", which results.json does not record${task ? ` for ${task}` : ""}`);
            else unchecked.push(`${where}: "${cell}"`);
          }
        } else if (j > 0 && NUMERIC_CELL.test(norm(cell))) {
          // A range such as a reference band: each number in it must be one the row accounts for.
          for (const tok of norm(cell).match(NUMBER_TOKEN) ?? []) {
            checked++;
            const pool = task ? own : [...allTaskNumbers, ...allSettings];
            if (!pool.some((x) => renderings(x).includes(tok.trim()))) {
              if (task) add(`${where}: shows "${tok.trim()}", which results.json does not record${` for ${task}`}`);
              else unchecked.push(`${where}: "${tok.trim()}"`);
            }
          }
        }
      });
    });
  }
  const sorted = [...numbered].sort((a, b) => a - b);
  if (sorted.some((n, i) => n !== i + 1)) add(`results.json numbers its tables ${numbered.join(", ")}, expected 1 to ${numbered.length}`);

  // ---- figures: numbers in titles and annotations are recorded ones ----------------------------
  for (const f of source?.figures ?? []) {
    const layout = f.figure.layout as Record<string, unknown>;
    const texts: string[] = [];
    const title = layout.title;
    if (typeof title === "string") texts.push(title);
    else if (isObject(title) && typeof title.text === "string") texts.push(title.text);
    for (const a of Array.isArray(layout.annotations) ? layout.annotations : [])
      if (isObject(a) && typeof a.text === "string") texts.push(a.text);
    for (const text of texts) {
      for (const tok of text.match(/\d+\.\d+(?: %)?/g) ?? []) {
        checked++;
        if (!allTaskNumbers.some((x) => renderings(x).includes(tok))) {
          add(`figure ${f.label}: its annotation "${text.slice(0, 80)}" shows ${tok}, which results.json does not record`);
        }
      }
    }
  }
  return { findings, mode, checked, unchecked };
}
