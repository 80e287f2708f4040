import { PDFDocument, PDFName } from "pdf-lib";
const doc = await PDFDocument.create();
doc.addPage();
const s = doc.context.stream(new Uint8Array([1,2,3]), { Filter: "LZWDecode" });
doc.addPage().node.set(PDFName.of("Contents"), doc.context.register(s));
const pdf = Buffer.from(await doc.save()).toString("latin1");
console.log(pdf.slice(-400));
const d2 = await PDFDocument.create(); d2.addPage(); console.log(Buffer.from(await d2.save({useObjectStreams:false})).toString("latin1").slice(-300));
