import { test } from "uvu";
import * as assert from "uvu/assert";
import { ClaimSyntaxError, describeFailure, judge, namesOf, parseClaim } from "../../src/report/claims";

const values: Record<string, number> = {
  "3c.valLoss": 0.1593,
  "3a.valLoss": 0.1366,
  "3-ind-sigmoid.valAccuracy": 0.8991,
  "2c.valAccuracy": 0.9152,
  "runs.3c.learningRate": 0.02,
};
const lookup = (n: string) => (n in values ? { value: values[n], format: n.startsWith("runs.") ? null : ("loss" as const) } : null);
const holds = (src: string) => judge(parseClaim(src), lookup).holds;

test("comparisons, arithmetic and ≈ … within", () => {
  assert.ok(holds("3c.valLoss > 3a.valLoss"));
  assert.not.ok(holds("3c.valLoss < 3a.valLoss"));
  assert.ok(holds("3-ind-sigmoid.valAccuracy < 2c.valAccuracy - 0.01"), "names with dashes, a spaced binary minus");
  assert.ok(holds("(3c.valLoss - 3a.valLoss) / 3a.valLoss > 0.1"));
  assert.ok(holds("runs.3c.learningRate * 5 <= 0.1"));
  assert.ok(holds("-3c.valLoss < 0"));
  assert.ok(holds("3c.valLoss >= 1e-3"));
  assert.ok(holds("3c.valLoss ≈ 3a.valLoss within 0.03"));
  assert.ok(holds("runs.3c.learningRate = 0.02"));
  assert.not.ok(holds("3c.valLoss = 3a.valLoss"));
  assert.not.ok(holds("3c.valLoss ~= 3a.valLoss within 0.01"));
  assert.equal(namesOf(parseClaim("3c.valLoss ≈ 3a.valLoss within 2c.valAccuracy").within), ["2c.valAccuracy"]);
});

test("a false claim's line names both sides and every number behind them, as the report shows them", () => {
  const src = "3c.valLoss ≈ 3a.valLoss within 0.01";
  assert.is(
    describeFailure(src, judge(parseClaim(src), lookup)),
    `claim "3c.valLoss ≈ 3a.valLoss within 0.01" is false: left side 0.1593, right side 0.1366 (3c.valLoss = 0.1593, 3a.valLoss = 0.1366)`,
  );
});

test("malformed claims and unknown names are errors, not false claims", () => {
  for (const [src, msg] of [
    ["3c.valLoss", /expected a comparison/],
    ["3c.valLoss ≈ 3a.valLoss", /needs a tolerance/],
    ["3c.valLoss > ", /ends too early/],
    ["3c.valLoss > 3a.valLoss junk", /cannot read "junk"/],
    ["3c.valLoss < 1 within 2", /"within" belongs to ≈ only/],
    ["(3c.valLoss > 1", /a \( is not closed/],
  ] as const) {
    assert.throws(
      () => parseClaim(src),
      (e: Error) => e instanceof ClaimSyntaxError && msg.test(e.message),
      src,
    );
  }
  assert.throws(
    () => judge(parseClaim("9z.x > 1"), lookup),
    (e: Error) => e instanceof ClaimSyntaxError && /unknown number "9z\.x"/.test(e.message),
  );
});

test("a non-finite side never holds", () => {
  assert.not.ok(holds("3c.valLoss / 0 > 1"));
});

test.run();
