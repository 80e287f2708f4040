import { test } from "uvu";
import * as assert from "uvu/assert";
import { blankBelow, readPgm } from "../../src/report/layout";

/** A white page of 100 × 297 rows with ink down to `inkTo` (a row index) and a footer line. */
function page(inkTo: number): Uint8Array {
  const w = 100,
    h = 297;
  const px = new Uint8Array(w * h).fill(255);
  for (let y = 20; y <= inkTo; y += 5) px.fill(0, y * w + 10, y * w + 90);
  px.fill(0, 285 * w + 45, 285 * w + 55); // the page number, in the bottom margin
  const head = new TextEncoder().encode(`P5\n# made by a test\n${w} ${h}\n255\n`);
  const out = new Uint8Array(head.length + px.length);
  out.set(head);
  out.set(px, head.length);
  return out;
}

test("the blank part of the text area below the last ink, the footer ignored", () => {
  const full = blankBelow(readPgm(page(275)));
  const half = blankBelow(readPgm(page(145)));
  assert.ok(full < 0.02, `a full page: ${full}`);
  assert.ok(Math.abs(half - 0.5) < 0.03, `half a page: ${half}`);
  assert.ok(blankBelow(readPgm(page(0))) > 0.97, "an empty page");
  assert.throws(() => readPgm(new TextEncoder().encode("P6\n1 1\n255\n\0\0\0")), /not an 8-bit binary PGM/);
});

test.run();
