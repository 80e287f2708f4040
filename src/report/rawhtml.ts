// What of HTML the report's markdown may hold (README, "What the build refuses"): a few inline tags
// without attributes (RAW_HTML_TAGS) and well-formed comments, nothing else; and links only to
// http:, https: and mailto: URLs (or relative ones), images also to data: URLs (an image runs no
// script; anything else would be fetched, and printing refuses that). The report's text is a document, not
// a program: no <script>, no event-handler attributes, no javascript: URLs, whatever the spelling
// (upper case, character references). markdown.ts calls these on every raw HTML, link and image
// token and fails the build naming the file and line.
//
// May import: nothing.

/** The tags allowed in raw HTML, always without attributes. */
export const RAW_HTML_TAGS = ["br", "sub", "sup", "b", "i", "em", "strong", "u", "s", "small", "mark", "kbd"];

/** URL schemes a link may use; an image may use data: too. */
export const URL_SCHEMES = ["http", "https", "mailto"];

export interface Problem {
  /** The offending text (to find its line). */
  readonly snippet: string;
  readonly message: string;
}

const DANGEROUS = /^(script|style|iframe|frame|frameset|object|embed|applet|link|meta|base|form|svg|math|template|noscript)$/i;

/** A comment as HTML parses it: what ends it, and whether it is well formed (no tricks that end it early or late). */
function comment(html: string, at: number): { end: number; ok: boolean } {
  const close = html.indexOf("-->", at + 4);
  if (close < 0) return { end: html.length, ok: false };
  const body = html.slice(at + 4, close);
  const ok = !body.startsWith(">") && !body.startsWith("->") && !body.includes("--!>") && !body.includes("<!--") && !body.endsWith("<!-");
  return { end: close + 3, ok };
}

/** The first thing in a raw HTML token that the policy does not allow, or null. */
export function rawHtmlProblem(html: string): Problem | null {
  for (let i = html.indexOf("<"); i >= 0; i = html.indexOf("<", i + 1)) {
    if (html.startsWith("<!--", i)) {
      const c = comment(html, i);
      if (!c.ok)
        return {
          snippet: html.slice(i, Math.min(c.end, i + 60)),
          message: "a malformed HTML comment (it must be <!-- text --> with no -- inside)",
        };
      i = c.end - 1;
      continue;
    }
    // Markup starts with "<" and a letter, "/", "!" or "?"; anything else is text.
    if (!/^<[A-Za-z/!?]/.test(html.slice(i, i + 2))) continue;
    const tag = /^<(\/?)([A-Za-z][A-Za-z0-9-]*)\s*(\/?)>/.exec(html.slice(i));
    if (tag && RAW_HTML_TAGS.includes(tag[2].toLowerCase()) && !(tag[1] && tag[3])) {
      i += tag[0].length - 1;
      continue;
    }
    const end = html.indexOf(">", i);
    const text = html.slice(i, end < 0 ? html.length : end + 1);
    const name = /^<\/?([A-Za-z][A-Za-z0-9-]*)/.exec(text)?.[1] ?? "";
    const handler = /[\s/"'](on[a-z]+)\s*=/i.exec(text);
    const allowed = `only ${RAW_HTML_TAGS.map((t) => `<${t}>`).join(", ")} without attributes, and comments`;
    let message: string;
    if (DANGEROUS.test(name)) message = `raw HTML <${name}> is not allowed in the report (${allowed})`;
    else if (handler) message = `an event-handler attribute (${handler[1]}=) is not allowed in the report (${allowed})`;
    else if (/javascript\s*:/i.test(text)) message = `a javascript: URL is not allowed in the report`;
    else
      message = `raw HTML ${text.slice(0, 40)}${text.length > 40 ? "…" : ""} is not allowed in the report: ${allowed}; write markdown instead`;
    return { snippet: text.split("\n")[0], message };
  }
  return null;
}

/** The URL as a browser reads it from an attribute: character references decoded, controls and spaces gone. */
function asBrowserReads(url: string): string {
  return url
    .replace(/&#x([0-9a-f]+);?/gi, (_, h: string) => String.fromCodePoint(Math.min(parseInt(h, 16), 0x10ffff)))
    .replace(/&#(\d+);?/g, (_, d: string) => String.fromCodePoint(Math.min(Number(d), 0x10ffff)))
    .replace(/&colon;/gi, ":")
    .replace(/&(tab|newline);/gi, "")
    .replace(/[\u0000-\u0020\u007f]/g, "");
}

/** A problem with a link's or an image's URL (e.g. javascript:), or null. */
export function urlProblem(url: string, raw: string, image = false): Problem | null {
  const scheme = /^([^/?#]*?):/.exec(asBrowserReads(url))?.[1];
  const allowed = image ? [...URL_SCHEMES, "data"] : URL_SCHEMES;
  if (scheme === undefined || allowed.includes(scheme.toLowerCase())) return null;
  const shown = /^[a-z][a-z0-9+.-]*$/i.test(scheme) ? `a ${scheme.toLowerCase()}: URL` : `the URL ${JSON.stringify(url.slice(0, 40))}`;
  return {
    snippet: raw.split("\n")[0],
    message: `${shown} is not allowed in the report: ${image ? "images" : "links"} may use ${allowed.map((s) => s + ":").join(", ")} or relative URLs`,
  };
}
