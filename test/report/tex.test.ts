// The TeX cache the live preview renders with: a document rendered through a warm cache is the
// document rendered without one, byte for byte, whatever moved around the cached formulas.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { texCache, texRenderer } from "../../src/report/tex";

type Formula = readonly [string, boolean];

/** A document's formulas rendered in order by one fresh renderer. */
const render = (formulas: readonly Formula[], cache?: ReturnType<typeof texCache>) => {
  const r = texRenderer(cache);
  return formulas.map(([tex, display]) => r.render(tex, display));
};

const eq = (body: string, label: string) => [`\\begin{equation} ${body} \\label{${label}} \\end{equation}`, true] as const;

const DOC: Formula[] = [
  ["x_i^2 + \\frac{1}{2}", false],
  eq("a = b", "eq:a"),
  ["\\begin{align} c &= d \\label{eq:c} \\\\ e &= f \\notag \\end{align}", true],
  ["\\eqref{eq:a} and \\eqref{eq:c}", false],
  ["\\begin{equation} g = h \\end{equation}", true],
  ["x_i^2 + \\frac{1}{2}", false],
];

test("through a warm cache every formula comes from the cache and the document is unchanged", () => {
  const plain = render(DOC);
  const cache = texCache();
  assert.equal(render(DOC, cache), plain, "cold");
  assert.is(cache.hits, 1, "the repeated inline formula");
  const misses = cache.misses;
  assert.equal(render(DOC, cache), plain, "warm");
  assert.is(cache.misses, misses, "nothing typeset again");
  assert.is(cache.hits, 1 + DOC.length);
  // The font cache's ids are the document's own: no two formulas share one.
  const prefixes = plain.map((svg) => new Set([...svg.matchAll(/id="(MJX-\d+-)/g)].map((m) => m[1])));
  assert.equal(
    prefixes.map((p) => p.size),
    DOC.map(() => 1),
  );
  assert.is(new Set(prefixes.flatMap((p) => [...p])).size, DOC.length);
});

test("an equation added in front renumbers the cached ones and their references", () => {
  const cache = texCache();
  render(DOC, cache);
  const edited: Formula[] = [eq("z = 0", "eq:z"), ...DOC];
  const plain = render(edited);
  assert.equal(render(edited, cache), plain);
  // The references' digits are glyphs: (2) and (3) now, no (1).
  const digits = (svg: string) => new Set([...svg.matchAll(/href="#MJX-\d+-TEX-N-(3\d)"/g)].map((m) => Number(m[1]) - 30));
  assert.equal([...digits(render(DOC)[3])].sort(), [1, 2]);
  assert.equal([...digits(plain[4])].sort(), [2, 3]);
  // Removing it again: the cached first version comes back, still equal to a fresh render.
  assert.equal(render(DOC, cache), render(DOC));
});

test("a formula using a macro follows the macro's definition", () => {
  const cache = texCache();
  const doc = (def: string): Formula[] => [
    [`\\def\\R{${def}}`, false],
    ["\\R^n", false],
  ];
  assert.equal(render(doc("\\mathbb{R}"), cache), render(doc("\\mathbb{R}")));
  const changed = render(doc("\\mathcal{R}"), cache);
  assert.equal(changed, render(doc("\\mathcal{R}")));
  assert.is.not(changed[1], render(doc("\\mathbb{R}"))[1]);
});

test("a label defined twice is an error, cached or not", () => {
  const cache = texCache();
  render(DOC, cache);
  assert.throws(() => render([...DOC, eq("y = 1", "eq:a")], cache), /multiply defined/);
  // In front, not counted (its own tag): the cached eq:a, keyed by the same counter, is the second definition now.
  assert.throws(
    () => render([["\\begin{equation} w = 0 \\tag{A} \\label{eq:a} \\end{equation}", true], ...DOC], cache),
    /multiply defined/,
  );
});

test("bad TeX throws every time and is never cached", () => {
  const cache = texCache();
  for (let i = 0; i < 2; i++) assert.throws(() => render([["\\frac{1}{", false]], cache), /Missing close brace/);
  assert.is(cache.entries.size, 0);
});

test("the cache keeps at most its limit, dropping the least recently used", () => {
  const cache = texCache(2);
  render(
    [
      ["a", false],
      ["b", false],
    ],
    cache,
  );
  render([["a", false]], cache);
  render([["c", false]], cache);
  assert.equal(
    [...cache.entries.keys()].map((k) => JSON.parse(k).at(-1)),
    ["a", "c"],
  );
});

test.run();
