// IDX files (LeCun's MNIST format), raw or gzip-compressed: big-endian header, uint8 payload.
// Images: magic 0x00000803, count, rows, cols. Labels: magic 0x00000801, count.

import { readFileSync, existsSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { InputError } from "../base/errors";

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

function readBytes(path: string): Uint8Array {
  if (!existsSync(path)) throw new InputError(`${path}: no such file`);
  const raw = readFileSync(path);
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return gunzipSync(raw);
    } catch (e) {
      throw new InputError(`${path}: not a readable gzip file (${(e as Error).message})`);
    }
  }
  return raw;
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
  return parseIdxImages(path, readBytes(path));
}

export function readIdxLabels(path: string): IdxLabels {
  return parseIdxLabels(path, readBytes(path));
}
