import { test } from "uvu";
import * as assert from "uvu/assert";
import { printable, printableLines } from "../../src/base/text";

test("control characters and bidirectional overrides are escaped; plain text is kept", () => {
  assert.is(printable("2c.valAccuracy"), "2c.valAccuracy");
  assert.is(printable("σ ≤ 1e-6 – 91.520 %"), "σ ≤ 1e-6 – 91.520 %");
  assert.is(printable("\x1b[2J\x1b[Hclear"), "\\x1b[2J\\x1b[Hclear");
  assert.is(printable("a\nb\rc\td\x00e\x7f\x9b"), "a\\x0ab\\x0dc\\x09d\\x00e\\x7f\\x9b");
  assert.is(printable("abc\u202edcba\u2066x\u2069"), "abc\\u202edcba\\u2066x\\u2069");
  assert.is(printableLines("line 1\nline\x1b[31m 2"), "line 1\nline\\x1b[31m 2");
});

test.run();
