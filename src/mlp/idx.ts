// IDX files (LeCun's MNIST format), raw or gzip-compressed: big-endian header, uint8 payload.
// Images: magic 0x00000803, count, rows, cols. Labels: magic 0x00000801, count.
// A file is read only up to the size its header announces, and no header may announce more than
// MAX_IDX_BYTES: a corrupt or hostile file (a .gz of gigabytes of zeros) costs no more memory
// than a real one.

import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { constants, gunzipSync } from "node:zlib";
import { InputError } from "../base/errors";

/** The largest IDX payload read (MNIST's training images are 47 MB). */
export const MAX_IDX_BYTES = 2 ** 30;

export interface IdxImages {
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  /** (count, rows*cols) row-major pixels 0..255. */
  readonly pixels: Uint8Array;
}

export interface IdxLabels {
  readonly count: number;
  readonly labels: Uint8Array;
}

const IMAGES_MAGIC = 0x00000803;
const LABELS_MAGIC = 0x00000801;

function hex(n: number): string {
  return "0x" + n.toString(16).padStart(8, "0");
}

const isGzip = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** The header's size and the payload size it announces, from its first bytes. */
function announced(path: string, head: Uint8Array, magic: number, words: number): number {
  const dims = header(path, head, magic, words);
  const payload = dims.reduce((a, b) => a * b, 1);
  if (payload > MAX_IDX_BYTES) {
    throw new InputError(
      `${path}: its header announces ${dims.join(" × ")} = ${payload} data bytes, ` + `more than the limit of ${MAX_IDX_BYTES} (1 GiB)`,
    );
  }
  return 4 * words + payload;
}

/** The first bytes of a gzip stream's output (at most a few MB, whatever it holds). */
function gunzipPrefix(path: string, raw: Uint8Array): Uint8Array {
  try {
    return gunzipSync(raw.subarray(0, 4096), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: 8 * 2 ** 20 });
  } catch (e) {
    throw new InputError(`${path}: not a readable gzip file (${(e as Error).message})`);
  }
}

/** The file's bytes (decompressed), no more than its header announces. */
function readBytes(path: string, magic: number, words: number): Uint8Array {
  if (!existsSync(path)) throw new InputError(`${path}: no such file`);
  const st = statSync(path);
  if (!st.isFile()) throw new InputError(`${path}: ${st.isDirectory() ? "a folder" : "not a regular file"}, expected an IDX file`);
  const fd = openSync(path, "r");
  const head = new Uint8Array(16);
  let got: number;
  try {
    got = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (!isGzip(head.subarray(0, got))) {
    const size = announced(path, head.subarray(0, got), magic, words);
    if (st.size !== size) throw new InputError(`${path}: ${st.size - 4 * words} data bytes, expected ${size - 4 * words} from the header`);
    return readFileSync(path);
  }
  // Compressed: no sane file is larger than its contents.
  if (st.size > MAX_IDX_BYTES + 4 * words)
    throw new InputError(`${path}: ${st.size} bytes, more than the limit of ${MAX_IDX_BYTES} (1 GiB)`);
  const raw = readFileSync(path);
  const size = announced(path, gunzipPrefix(path, raw), magic, words);
  try {
    return gunzipSync(raw, { maxOutputLength: size });
  } catch (e) {
    if ((e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
      throw new InputError(`${path}: decompresses to more than the ${size} bytes its header announces`);
    }
    throw new InputError(`${path}: not a readable gzip file (${(e as Error).message})`);
  }
}

function header(path: string, bytes: Uint8Array, magic: number, words: number): number[] {
  if (bytes.length < 4 * words) {
    throw new InputError(`${path}: ${bytes.length} bytes is too short for an IDX header of ${4 * words} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(0, false);
  if (found !== magic) {
    throw new InputError(`${path}: magic number ${hex(found)}, expected ${hex(magic)}`);
  }
  const out: number[] = [];
  for (let i = 1; i < words; i++) out.push(view.getUint32(4 * i, false));
  return out;
}

function payload(path: string, bytes: Uint8Array, offset: number, expected: number): Uint8Array {
  const found = bytes.length - offset;
  if (found !== expected) {
    throw new InputError(`${path}: ${found} data bytes, expected ${expected} from the header`);
  }
  return bytes.subarray(offset);
}

/** Parse an IDX image file from bytes (already decompressed). */
export function parseIdxImages(path: string, bytes: Uint8Array): IdxImages {
  const [count, rows, cols] = header(path, bytes, IMAGES_MAGIC, 4);
  return { count, rows, cols, pixels: payload(path, bytes, 16, count * rows * cols) };
}

/** Parse an IDX label file from bytes (already decompressed). */
export function parseIdxLabels(path: string, bytes: Uint8Array): IdxLabels {
  const [count] = header(path, bytes, LABELS_MAGIC, 2);
  return { count, labels: payload(path, bytes, 8, count) };
}

export function readIdxImages(path: string): IdxImages {
  return parseIdxImages(path, readBytes(path, IMAGES_MAGIC, 4));
}

export function readIdxLabels(path: string): IdxLabels {
  return parseIdxLabels(path, readBytes(path, LABELS_MAGIC, 2));
}
