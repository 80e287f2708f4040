// Tables of training results (contract/table.ts defines the shape): final metrics of runs.
//
// May import: base, mlp, contract, notebook.

import { formatLoss, formatNumber, formatPercent } from "../contract/format";
import type { Table } from "../contract/table";
import type { TrainResult } from "../mlp/train";
import { runName } from "./names";

/** Final metrics of runs: one row per run (its name from names.ts unless given), with steps and epochs before stopping. */
export function metricsTable(runs: readonly { readonly id: string; readonly name?: string; readonly result: TrainResult }[]): Table {
  const columns = ["run", "train loss", "validation loss", "train accuracy", "validation accuracy", "steps", "epochs"];
  const rows: string[][] = [],
    values: (number | string | null)[][] = [];
  for (const { id, name = runName(id), result: r } of runs) {
    const f = r.final;
    rows.push([
      name,
      formatLoss(f.trainLoss),
      formatLoss(f.valLoss),
      formatPercent(f.trainAccuracy),
      formatPercent(f.valAccuracy),
      formatNumber(r.steps, "int"),
      String(r.epochs) + (r.stoppedEarly ? "" : " (no early stop)"),
    ]);
    values.push([id, f.trainLoss, f.valLoss, f.trainAccuracy, f.valAccuracy, r.steps, r.epochs]);
  }
  return { columns, rows, values };
}
