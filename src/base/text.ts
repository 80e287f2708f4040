// Strings from untrusted files made safe. For a terminal (a PDF's text, a results file's keys):
// control characters and the bidirectional overrides that could redraw or reorder a terminal or a
// table are shown as escapes (ESC as \x1b, U+202E as \u202e). For HTML: escapeHtml().
//
// May import: nothing.

/** C0 and C1 controls, DEL, and the bidirectional embedding, override and isolate marks. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  const n = c.charCodeAt(0);
  return n <= 0xff ? `\\x${n.toString(16).padStart(2, "0")}` : `\\u${n.toString(16).padStart(4, "0")}`;
}

/** One line, every control character escaped: for names and values read from a file. */
export function printable(s: string): string {
  return s.replace(UNSAFE, escapeChar);
}

/** As printable(), but line breaks are kept: for messages of several lines. */
export function printableLines(s: string): string {
  return s.replace(UNSAFE_BUT_NEWLINE, escapeChar);
}

/** Text made safe inside HTML, in element content and in quoted attribute values alike. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
