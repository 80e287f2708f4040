// The same inputs give a byte-identical PDF, so PDFs compare by hash. Chromium (Skia) stamps the
// time into the Info dictionary (and pdf-lib would stamp its own name and the time again when it
// updates metadata, which is turned off); here, with the attachments added in the same load, the Info
// dictionary gets fixed values (dates from SOURCE_DATE_EPOCH, the reproducible-builds convention,
// or none), and the trailer's document ID is derived from the content.
//
// May import: base; pdf.ts (attachments).

import { createHash } from "node:crypto";
import { PDFDict, PDFDocument, PDFHexString, PDFName } from "pdf-lib";
import { InputError } from "../base/errors";
import { type Attachment, attachTo } from "./pdf";

export const PRODUCER = "tdt4265-a2-report (Chromium, pdf-lib)";

/** The date SOURCE_DATE_EPOCH gives (seconds since 1970, UTC), or null when it is not set. */
export function sourceDate(env: NodeJS.ProcessEnv = process.env): Date | null {
  const v = env.SOURCE_DATE_EPOCH;
  if (v === undefined || v === "") return null;
  if (!/^\d+$/.test(v)) throw new InputError(`SOURCE_DATE_EPOCH=${v}: expected whole seconds since 1970`);
  return new Date(Number(v) * 1000);
}

/**
 * The PDF with `attachments` attached (attachTo), fixed metadata and a document ID that is a hash of
 * its content: one load of the PDF for all of it.
 */
export async function reproduciblePdf(
  pdf: Uint8Array,
  date: Date | null = sourceDate(),
  attachments: readonly Attachment[] = [],
): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  await attachTo(doc, attachments);
  doc.setProducer(PRODUCER);
  if (date) {
    doc.setCreationDate(date);
    doc.setModificationDate(date);
  } else {
    const info = doc.context.lookup(doc.context.trailerInfo.Info, PDFDict);
    info.delete(PDFName.of("CreationDate"));
    info.delete(PDFName.of("ModDate"));
  }
  delete (doc.context.trailerInfo as { ID?: unknown }).ID;
  const body = await doc.save({ updateFieldAppearances: false });
  const id = PDFHexString.of(createHash("sha256").update(body).digest("hex").slice(0, 32));
  doc.context.trailerInfo.ID = doc.context.obj([id, id]);
  return await doc.save({ updateFieldAppearances: false });
}
