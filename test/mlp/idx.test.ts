import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { gzipSync } from "node:zlib";
import { InputError } from "../../src/base/errors";
import { readIdxImages, readIdxLabels } from "../../src/mlp/idx";
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
  assert.throws(() => readIdxImages(p), (e: Error) =>
    e instanceof InputError && e.message.includes("bad-magic") && e.message.includes("0x00000801") && e.message.includes("0x00000803"));
});

test("truncated data and a short header are errors", () => {
  const p = file("short", idxBytes(0x803, [2, 3, 4], pixels.subarray(0, 20)));
  assert.throws(() => readIdxImages(p), /short: 20 data bytes, expected 24/);
  assert.throws(() => readIdxLabels(file("tiny", Uint8Array.of(0, 0, 8))), /too short/);
  assert.throws(() => readIdxImages(file("notgz.gz", Uint8Array.of(0x1f, 0x8b, 1, 2, 3))), /not a readable gzip/);
  assert.throws(() => readIdxImages(join(dir, "missing")), /missing: no such file/);
});

test.run();
