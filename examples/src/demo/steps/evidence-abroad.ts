import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { AttachmentDescriptor } from "@frx/sdk";
import { MessageType, type Types } from "@frx/spec";
import { until, type Scene } from "../context.js";
import { receive } from "../delivery.js";
import { payslipPdf } from "../files/payslip-pdf.js";
import { statementVideo } from "../files/statement-video.js";

/** The criminal channel between police forces (FRX-POL-021: T3 and an MLA legal basis). */
const MLA = {
  purpose: "criminal_investigation_trafficking",
  legalBasis: {
    code: "mutual_legal_assistance",
    reference: "ASEAN Treaty on Mutual Legal Assistance in Criminal Matters (2004), art. 1",
  },
  tier: "T3",
} as const;

interface CustodyView {
  sha256: string;
  evidenceId: string;
  messageId: string;
  custody: Array<{ holder: string; action: string; at: string; node?: string }>;
}

/**
 * Action 3 across the border: the Lao police, who declined the referral for want of evidence,
 * ask the Thai police for it over the mutual-legal-assistance channel. A payslip (PDF) and the
 * deckhand's video statement travel TH → LA as attachments of a signed `evidence.provide`; LA
 * downloads them and checks each SHA-256 against the descriptor the sender signed; TH's
 * timeline shows them in transit, then delivered; LA's custody chain ends with `received`.
 */
export async function evidenceAbroad(s: Scene): Promise<void> {
  s.tl.section(
    "Action 3",
    "evidence across the border: a payslip PDF and a video statement, TH → LA, checked in Laos",
  );
  const req = await s.send("LA:ATD", MessageType.EvidenceRequest, {
    ...MLA,
    case: s.caseId,
    to: [{ participant: "TH:ATPD" }],
    body: {
      items: [
        { kind: "payslip_wage_record", description: "Payslips of the Lao deckhands" },
        { kind: "worker_statement", description: "Statement of the deckhand on his recruitment" },
      ],
      channel: "mutual_legal_assistance",
      legalReference: MLA.legalBasis.reference,
      dueBy: new Date(Date.now() + 14 * 86_400_000).toISOString(),
    },
  });
  await s.arrives(req, ["TH:ATPD"], "LA:ATD", MessageType.EvidenceRequest);

  const atpd = s.as("TH:ATPD");
  const files: Array<[string, Uint8Array, string, Types.EvidenceItem["kind"], string]> = [
    [
      "payslip.pdf",
      payslipPdf(),
      "application/pdf",
      "payslip_wage_record",
      "Payslip, September 2025 to February 2026: 54,000 THB due, nothing paid",
    ],
    [
      "statement.avi",
      statementVideo(),
      "video/vnd.avi",
      "worker_statement",
      "Video statement of the deckhand (synthetic, silent stand-in: uncompressed AVI test picture)",
    ],
  ];
  const attachments: AttachmentDescriptor[] = [];
  const items: Record<string, unknown>[] = [];
  for (const [name, bytes, mediaType, kind, description] of files) {
    const file = await atpd.attachments.upload(bytes, mediaType, { name });
    attachments.push(file);
    const at = new Date().toISOString();
    items.push({
      evidenceId: atpd.newId(),
      kind,
      description,
      sha256: file.sha256,
      mediaType,
      size: file.size,
      collectedBy: "TH:ATPD",
      collectedAt: at,
      channel: "mutual_legal_assistance",
      custody: [
        { holder: "TH:ATPD", action: "collected", at },
        { holder: "TH:ATPD", action: "sealed", at },
      ],
      shareableWith: ["criminal_investigation_trafficking"],
    });
    s.tl.note(
      `TH:ATPD uploaded ${name} (${mediaType}, ${file.size} bytes, sha256 ${file.sha256.slice(0, 16)}…)`,
    );
  }
  const sent = await s.send("TH:ATPD", MessageType.EvidenceProvide, {
    ...MLA,
    inReplyTo: req,
    case: s.caseId,
    to: [{ participant: "LA:ATD" }],
    body: { channel: "mutual_legal_assistance", items },
    attachments,
  });

  // At LA: the envelope is in the inbox only once both files are stored there.
  const got = await receive("LA:ATD", s.as("LA:ATD"), sent);
  s.tl.received("LA:ATD", MessageType.EvidenceProvide, "TH:ATPD");
  const dir = join(s.fed.folder, "LA-ATD-downloads");
  await mkdir(dir, { recursive: true });
  for (const d of got.message.attachments ?? []) {
    const path = join(dir, d.name ?? d.sha256);
    const actual = await download(s, d.sha256, path);
    if (actual.sha256 !== d.sha256 || actual.size !== d.size)
      throw new Error(`LA:ATD got other bytes for ${d.name}: ${actual.sha256}`);
    s.tl.note(
      `LA:ATD downloaded ${d.name}: ${actual.size} bytes, sha256 ${actual.sha256} = the descriptor TH:ATPD signed ✓`,
    );
  }
  s.tl.note(`  saved in ${dir} (kept while the nodes run with --keep)`);

  // TH records "delivered" once LA's signed receipt for the envelope and its files is back.
  const thLines = await until(async () => {
    const lines = (await atpd.cases.get(s.caseId)).timeline
      .filter((e) => e.messageId === sent)
      .map((e) => e.note ?? e.type);
    return lines.some((l) => l.startsWith("delivered")) ? lines : null;
  }, "TH:ATPD's timeline to say the evidence was delivered");
  s.tl.note(`TH:ATPD's timeline for it: ${thLines.join(" → ")}`);
  const custody = (
    (await s.as("LA:ATD").cases.get(s.caseId)) as unknown as {
      custody: CustodyView[];
    }
  ).custody.filter((c) => c.messageId === sent);
  for (const c of custody)
    s.tl.note(
      `LA custody of ${c.sha256.slice(0, 12)}…: ${c.custody.map((e) => `${e.holder} ${e.action}${e.node ? ` at ${e.node}` : ""}`).join(" → ")}`,
    );
  if (!custody.every((c) => c.custody.at(-1)?.action === "received"))
    throw new Error("LA's custody chain does not end with a `received` entry");
}

/** Streams a file to disk while hashing it: the demo's own check, besides the SDK's. */
async function download(
  s: Scene,
  sha256: string,
  path: string,
): Promise<{ sha256: string; size: number }> {
  const file = await s.as("LA:ATD").attachments.download(sha256);
  const hash = createHash("sha256");
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.byteLength;
      done(null, chunk);
    },
  });
  await pipeline(file.stream, meter, createWriteStream(path));
  return { sha256: hash.digest("hex"), size };
}
