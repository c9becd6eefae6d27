import { describe, expect, it } from "vitest";
import { payslipPdf, pdfDocument } from "../src/demo/files/payslip-pdf.js";
import { statementVideo } from "../src/demo/files/statement-video.js";

const latin1 = (b: Uint8Array) => Buffer.from(b).toString("latin1");

describe("the demo's payslip PDF", () => {
  it("has a cross-reference table whose every offset is its object's byte position", () => {
    const pdf = latin1(payslipPdf());
    expect(pdf.startsWith("%PDF-1.4\n")).toBe(true);
    expect(pdf.endsWith("%%EOF\n")).toBe(true);
    const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(pdf)![1]);
    expect(pdf.slice(startxref, startxref + 5)).toBe("xref\n");
    const [, first, count] = /^xref\n(\d+) (\d+)\n/.exec(pdf.slice(startxref))!;
    expect(Number(first)).toBe(0);
    const entries = pdf
      .slice(startxref)
      .split("\n")
      .slice(2, 2 + Number(count));
    expect(entries[0]).toBe("0000000000 65535 f ");
    entries.slice(1).forEach((entry, i) => {
      expect(entry).toMatch(/^\d{10} 00000 n $/); // 20 bytes with the newline, as the format requires
      const offset = Number(entry.slice(0, 10));
      expect(pdf.slice(offset, offset + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`);
    });
    expect(pdf).toContain(`/Size ${count} /Root 1 0 R`);
  });

  it("declares its content stream's exact length and shows the payslip's lines", () => {
    const pdf = latin1(payslipPdf());
    const m = /<< \/Length (\d+) >>\nstream\n([\s\S]*?)endstream/.exec(pdf)!;
    expect(m[2]!.length).toBe(Number(m[1]));
    expect(m[2]).toContain("(Paid to the worker:                        0.00 THB) Tj");
  });

  it("escapes PDF string delimiters and refuses text it cannot encode one byte per character", () => {
    expect(latin1(pdfDocument(["a (b) \\c"]))).toContain("(a \\(b\\) \\\\c) Tj");
    expect(() => pdfDocument(["Savannakhet ສະຫວັນນະເຂດ"])).toThrow(TypeError);
  });
});

/** The RIFF chunks in `b` from `start` to `end`: id, data offset and size. */
function chunks(b: Buffer, start: number, end: number) {
  const out: Array<{ id: string; at: number; size: number }> = [];
  for (let at = start; at < end;) {
    const size = b.readUInt32LE(at + 4);
    out.push({ id: b.toString("latin1", at, at + 4), at: at + 8, size });
    at += 8 + size + (size % 2);
  }
  return out;
}

describe("the demo's video statement", () => {
  it("is a well-formed uncompressed AVI: sizes add up, one frame chunk per frame, each indexed", () => {
    const b = Buffer.from(statementVideo({ width: 32, height: 20, fps: 5, seconds: 2 }));
    expect(b.toString("latin1", 0, 4)).toBe("RIFF");
    expect(b.readUInt32LE(4)).toBe(b.length - 8);
    expect(b.toString("latin1", 8, 12)).toBe("AVI ");
    const top = chunks(b, 12, b.length);
    expect(top.map((c) => c.id)).toEqual(["LIST", "LIST", "idx1"]);
    const hdrl = top[0]!;
    expect(b.toString("latin1", hdrl.at, hdrl.at + 4)).toBe("hdrl");
    const [avih, strl] = chunks(b, hdrl.at + 4, hdrl.at + hdrl.size);
    expect(avih!.id).toBe("avih");
    expect(avih!.size).toBe(56);
    const frames = b.readUInt32LE(avih!.at + 16);
    expect(frames).toBe(10);
    expect([b.readUInt32LE(avih!.at + 32), b.readUInt32LE(avih!.at + 36)]).toEqual([32, 20]);
    const [strh, strf] = chunks(b, strl!.at + 4, strl!.at + strl!.size);
    expect(b.toString("latin1", strh!.at, strh!.at + 4)).toBe("vids");
    expect(strf!.size).toBe(40);
    expect(b.readUInt16LE(strf!.at + 14)).toBe(24); // bits per pixel, uncompressed
    const movi = top[1]!;
    expect(b.toString("latin1", movi.at, movi.at + 4)).toBe("movi");
    const data = chunks(b, movi.at + 4, movi.at + movi.size);
    expect(data).toHaveLength(frames);
    for (const f of data) expect(f).toMatchObject({ id: "00db", size: 96 * 20 }); // rows of 4-byte multiples
    const idx = top[2]!;
    expect(idx.size).toBe(16 * frames);
    for (let i = 0; i < frames; i++) {
      const offset = b.readUInt32LE(idx.at + i * 16 + 8);
      // Offsets count from the "movi" type: each names its frame chunk's header.
      expect(movi.at + offset + 8).toBe(data[i]!.at);
    }
  });

  it("moves: consecutive frames differ", () => {
    const b = Buffer.from(statementVideo({ width: 32, height: 20, fps: 5, seconds: 1 }));
    const first = b.indexOf("00db", 0, "latin1");
    const second = b.indexOf("00db", first + 8, "latin1");
    expect(b.subarray(first + 8, second).equals(b.subarray(second + 8, second + 8 + 1920))).toBe(
      false,
    );
  });
});
