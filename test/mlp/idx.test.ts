import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { gzipSync } from "node:zlib";
import { InputError } from "../../src/base/errors";
import { MAX_IDX_BYTES, readIdxImages, readIdxLabels } from "../../src/mlp/idx";
import { idxBytes } from "../helpers";

const dir = mkdtempSync(join(tmpdir(), "idx-"));
const file = (name: string, bytes: Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
};
const pixels = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 10);

test("reads raw and gzip images with their dimensions", () => {
  const bytes = idxBytes(0x803, [2, 3, 4], pixels);
  for (const p of [file("a-idx3-ubyte", bytes), file("a-idx3-ubyte.gz", gzipSync(bytes))]) {
    const im = readIdxImages(p);
    assert.equal([im.count, im.rows, im.cols], [2, 3, 4]);
    assert.equal(Array.from(im.pixels), Array.from(pixels));
  }
  const lab = readIdxLabels(file("l", idxBytes(0x801, [3], Uint8Array.of(7, 0, 9))));
  assert.equal(Array.from(lab.labels), [7, 0, 9]);
});

test("a wrong magic number names the file, the found and the expected magic", () => {
  const p = file("bad-magic", idxBytes(0x801, [2, 3, 4], pixels));
  assert.throws(
    () => readIdxImages(p),
    (e: Error) =>
      e instanceof InputError && e.message.includes("bad-magic") && e.message.includes("0x00000801") && e.message.includes("0x00000803"),
  );
});

test("truncated data and a short header are errors", () => {
  const p = file("short", idxBytes(0x803, [2, 3, 4], pixels.subarray(0, 20)));
  assert.throws(() => readIdxImages(p), /short: 20 data bytes, expected 24/);
  assert.throws(() => readIdxLabels(file("tiny", Uint8Array.of(0, 0, 8))), /too short/);
  assert.throws(() => readIdxImages(file("notgz.gz", Uint8Array.of(0x1f, 0x8b, 1, 2, 3))), /not a readable gzip/);
  assert.throws(() => readIdxImages(join(dir, "missing")), /missing: no such file/);
});

test("a file is read only up to the size its header announces: a gzip bomb is refused, not inflated", () => {
  // The header says 2 images of 3 × 4 pixels (24 bytes); the stream holds 64 MB of zeros after them.
  const bomb = new Uint8Array(16 + 64 * 2 ** 20);
  bomb.set(idxBytes(0x803, [2, 3, 4], pixels));
  const p = file("bomb-idx3-ubyte.gz", gzipSync(bomb));
  const before = process.memoryUsage().arrayBuffers;
  assert.throws(() => readIdxImages(p), /bomb-idx3-ubyte\.gz: decompresses to more than the 40 bytes its header announces/);
  assert.ok(process.memoryUsage().arrayBuffers - before < 16 * 2 ** 20, "the 64 MB were never held");
  const raw = new Uint8Array(16 + 100);
  raw.set(idxBytes(0x803, [2, 3, 4], pixels));
  assert.throws(() => readIdxImages(file("long-idx3-ubyte", raw)), /long-idx3-ubyte: 100 data bytes, expected 24 from the header/);
});

test("a header announcing more than the limit is refused before the data are read", () => {
  const huge = idxBytes(0x803, [100000, 1000, 1000], new Uint8Array(8));
  for (const p of [file("huge-idx3-ubyte", huge), file("huge-idx3-ubyte.gz", gzipSync(huge))]) {
    assert.throws(
      () => readIdxImages(p),
      new RegExp(
        `huge-idx3-ubyte(\\.gz)?: its header announces 100000 × 1000 × 1000 = 100000000000 data bytes, more than the limit of ${MAX_IDX_BYTES}`,
      ),
    );
  }
});

test("a folder where a data file should be is named", () => {
  const p = join(dir, "folder-idx1-ubyte");
  mkdirSync(p);
  assert.throws(
    () => readIdxLabels(p),
    (e: Error) => e instanceof InputError && /folder-idx1-ubyte: a folder, expected an IDX file$/.test(e.message),
  );
});

test.run();
