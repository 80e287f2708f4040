// Progress of one or more training runs: bars on a terminal (stderr), otherwise one line per
// run and epoch, so CI logs show a line per stage.

import cliProgress from "cli-progress";
import type { Progress } from "../../src/mlp/train";

export interface RunProgress {
  update(index: number, p: Progress): void;
  done(index: number): void;
  stop(): void;
}

export function runProgress(ids: readonly string[]): RunProgress {
  const tty = process.stderr.isTTY === true;
  const width = Math.max(...ids.map((s) => s.length));
  const lastCheck: string[] = ids.map(() => "");
  const multi = tty
    ? new cliProgress.MultiBar(
        {
          format: "{id} [{bar}] {percentage}% | step {value}/{total} | epoch {epoch} | {check}",
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  const bars: (cliProgress.SingleBar | null)[] = ids.map(() => null);
  return {
    update(i, p) {
      if (p.check) lastCheck[i] = `val loss ${p.check.valLoss.toFixed(4)}, val acc ${(100 * p.check.valAccuracy).toFixed(2)} %`;
      if (multi) {
        bars[i] ??= multi.create(p.maxSteps, 0, { id: ids[i].padEnd(width), epoch: 1, check: "" });
        bars[i]!.update(p.step + 1, { epoch: p.epoch + 1, check: lastCheck[i] });
      } else if ((p.step + 1) % p.stepsPerEpoch === 0 || (p.check && p.step === 0)) {
        process.stderr.write(
          `[train] ${ids[i]} epoch ${p.epoch + 1}: step ${p.step + 1}, train loss ${p.trainLoss.toFixed(4)}, ${lastCheck[i]}\n`,
        );
      }
    },
    done(i) {
      if (!multi) process.stderr.write(`[done] ${ids[i]}\n`);
    },
    stop() {
      multi?.stop();
    },
  };
}
