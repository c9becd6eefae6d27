import { createHash, randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { validateDocument } from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixture, type Envelope } from "../harness.js";
import { Cluster, eventually, type Member } from "./cluster.js";
import { payloadOf } from "./taps.js";

let cluster: Cluster;
beforeEach(async () => {
  cluster = await Cluster.start(
    ["TH", "LA"],
    (c) => {
      c.limits.attachmentBytes = 8 * 1024 * 1024;
    },
    { files: true },
  );
});
afterEach(async () => cluster.close());

const MiB = 1024 * 1024;
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

type Item = { messageId: string; jws: string };
const inbox = async (m: Member, who: string) =>
  ((await (await m.as(who, "/v1/inbox")).json()) as { items: Item[] }).items;
const bodyOf = (i: Item) => payloadOf<{ type: string; body: Record<string, unknown> }>(i.jws);

async function upload(m: Member, who: string, bytes: Uint8Array): Promise<string> {
  const digest = sha256(bytes);
  const res = await m.as(who, `/v1/attachments/${digest}`, {
    method: "PUT",
    headers: { "content-type": "application/pdf" },
    body: bytes,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return digest;
}

/** Evidence (a payslip) from the Thai labour department to the Lao trafficking police, with its file. */
function evidence(digest: string, size: number, changes: Partial<Envelope> = {}): Envelope {
  const env = fixture("evidence.provide");
  const item = (env.body.items as Array<Record<string, unknown>>)[0]!;
  Object.assign(item, { sha256: digest, size, mediaType: "application/pdf" });
  env.body.items = [item];
  delete env.inReplyTo;
  env.to = [{ participant: "LA:ATD" }];
  env.attachments = [{ sha256: digest, mediaType: "application/pdf", size, name: "payslip.pdf" }];
  return Object.assign(env, changes);
}

const timelineOf = async (m: Member, who: string, caseId: string) =>
  (
    (await (await m.as(who, `/v1/cases/${encodeURIComponent(caseId)}`)).json()) as {
      timeline: Array<{ messageId: string; note?: string }>;
    }
  ).timeline;

describe("attachments across borders (FRX-FED-201 to FRX-FED-212)", () => {
  it("moves the file to LA before the envelope, where the recipient downloads the same bytes and sees it received", async () => {
    const th = cluster.get("TH");
    const la = cluster.get("LA");
    const bytes = randomBytes(3 * MiB + 123);
    const digest = await upload(th, "TH:DOE", bytes);
    // Every answer of LA's attachment route, to check against its API schema.
    const client = th.node.ctx.peerClient as unknown as {
      send: (...a: unknown[]) => Promise<{ status: number; text: string }>;
    };
    const real = client.send.bind(client);
    const answers: unknown[] = [];
    client.send = async (...a: unknown[]) => {
      const res = await real(...a);
      answers.push(JSON.parse(res.text));
      return res;
    };
    const env = evidence(digest, bytes.length);
    const res = await th.submit(th.sign(env));
    expect(res.status, await res.clone().text()).toBe(201);

    await eventually(
      async () => (await inbox(la, "LA:ATD")).find((i) => i.messageId === env.id),
      "the evidence at LA:ATD",
    );
    const download = await la.as("LA:ATD", `/v1/attachments/${digest}`);
    expect(download.status).toBe(200);
    expect(sha256(Buffer.from(await download.arrayBuffer()))).toBe(digest);
    // An agency of LA the evidence did not reach cannot read it.
    expect((await la.as("LA:MOLSW", `/v1/attachments/${digest}`)).status).toBe(404);

    const notes = async () =>
      (await timelineOf(th, "TH:DOE", env.case!))
        .filter((e) => e.messageId === env.id)
        .map((e) => e.note);
    await eventually(
      async () => (await notes()).includes("delivered to LA"),
      "TH's timeline to show delivery",
    );
    expect(await notes()).toContain("files in transit to LA");

    expect(answers).toEqual([
      { sha256: digest, size: bytes.length, held: 0, complete: false },
      { sha256: digest, size: bytes.length, held: bytes.length, complete: true },
    ]);
    for (const a of answers) validateDocument("api/attachment-transfer-answer.json", a);
    const view = (await (
      await la.as("LA:ATD", `/v1/cases/${encodeURIComponent(env.case!)}`)
    ).json()) as {
      custody: Array<{ sha256: string; custody: Array<{ holder: string; action: string }> }>;
    };
    validateDocument("api/case-view.json", view);
    expect(view.custody).toHaveLength(1);
    expect(view.custody[0]!.sha256).toBe(digest);
    expect(view.custody[0]!.custody.at(-1)).toMatchObject({ holder: "LA:ATD", action: "received" });
  });

  it("resumes a transfer cut mid-file from the bytes LA already holds", async () => {
    const th = cluster.get("TH");
    const la = cluster.get("LA");
    const bytes = randomBytes(3 * MiB);
    const digest = await upload(th, "TH:DOE", bytes);
    const client = th.node.ctx.peerClient as unknown as {
      send: (
        method: string,
        url: string,
        headers: Record<string, string>,
        body: AsyncIterable<Uint8Array> | undefined,
        timeoutMs: number,
      ) => Promise<unknown>;
    };
    const real = client.send.bind(client);
    const offsets: number[] = [];
    let cut = false;
    client.send = (method, url, headers, body, timeoutMs) => {
      if (method === "PUT")
        offsets.push(payloadOf<{ offset: number }>(headers["frx-transfer"]!).offset);
      if (method !== "PUT" || cut || !body) return real(method, url, headers, body, timeoutMs);
      cut = true;
      // The first record whole (length, ciphertext, tag), part of the second, then the
      // connection breaks.
      const firstRecord = 4 + MiB + 16;
      async function* broken() {
        let sent = 0;
        for await (const part of body!) {
          if (sent < firstRecord) {
            sent += part.length;
            yield part;
            continue;
          }
          yield part.subarray(0, part.length >> 1);
          await eventually(
            async () => (await la.node.ctx.attachments.partials.held(`TH-${digest}`)) >= MiB,
            "LA to store the first record",
          );
          throw new Error("cable cut");
        }
      }
      return real(method, url, headers, broken(), timeoutMs);
    };
    const env = evidence(digest, bytes.length);
    expect((await th.submit(th.sign(env))).status).toBe(201);
    await eventually(
      async () => (await inbox(la, "LA:ATD")).find((i) => i.messageId === env.id),
      "the evidence at LA:ATD after the cut",
    );
    expect(offsets).toEqual([0, MiB]);
    const download = await la.as("LA:ATD", `/v1/attachments/${digest}`);
    expect(sha256(Buffer.from(await download.arrayBuffer()))).toBe(digest);
  });

  it("refuses at LA a file that does not hash to its signed digest, and tells the sender which", async () => {
    const th = cluster.get("TH");
    const la = cluster.get("LA");
    const bytes = randomBytes(2 * MiB);
    const digest = await upload(th, "TH:DOE", bytes);
    // Corrupted at rest at TH after upload: same length, other bytes.
    await writeFile(join(th.dir, "attachments", digest), randomBytes(bytes.length));
    const env = evidence(digest, bytes.length);
    expect((await th.submit(th.sign(env))).status).toBe(201);

    const failed = await eventually(
      async () => (await inbox(th, "TH:DOE")).find((i) => bodyOf(i).type === "delivery.failed"),
      "delivery.failed at TH:DOE",
    );
    expect(bodyOf(failed).body).toMatchObject({
      messageId: env.id,
      reason: "refused_by_peer",
      errorCode: "attachment.digest-mismatch",
      attachments: [digest],
    });
    expect(await inbox(la, "LA:ATD")).toEqual([]);
    expect(await la.node.ctx.attachments.get(digest)).toBeUndefined();
    expect(await la.node.ctx.attachments.partials.held(`TH-${digest}`)).toBe(0);
  });

  it("reports files that never arrive before the envelope expires with delivery.failed naming them", async () => {
    const th = cluster.get("TH");
    const bytes = randomBytes(64 * 1024);
    const digest = await upload(th, "TH:DOE", bytes);
    await th.node.ctx.peers.ensure("LA");
    await cluster.stop("LA");
    const env = evidence(digest, bytes.length, { expiresAt: "2026-03-02T12:00:00Z" });
    expect((await th.submit(th.sign(env))).status).toBe(201);
    await eventually(
      () => Promise.resolve((th.node.ctx.outbox.status().LA?.attempts ?? 0) >= 1),
      "TH to try LA",
    );
    th.clock.advance(3 * 3600_000);
    const failed = await eventually(
      async () => (await inbox(th, "TH:DOE")).find((i) => bodyOf(i).type === "delivery.failed"),
      "delivery.failed at TH:DOE",
    );
    expect(bodyOf(failed).body).toMatchObject({
      messageId: env.id,
      reason: "expired",
      errorCode: "delivery.expired",
      attachments: [digest],
    });
  });

  it("refuses at LA an envelope naming a file TH never transferred (FRX-ENV-017 for peers)", async () => {
    const th = cluster.get("TH");
    const la = cluster.get("LA");
    const bytes = randomBytes(4096);
    const digest = await upload(th, "TH:DOE", bytes);
    // TH is told, falsely, that LA holds the file already, so it sends the envelope alone.
    const client = th.node.ctx.peerClient as unknown as {
      send: (...a: unknown[]) => Promise<{ status: number; text: string }>;
    };
    client.send = (method) =>
      Promise.resolve(
        method === "GET"
          ? {
              status: 200,
              text: JSON.stringify({ sha256: digest, size: 4096, held: 4096, complete: true }),
            }
          : { status: 500, text: "{}" },
      );
    const env = evidence(digest, bytes.length);
    expect((await th.submit(th.sign(env))).status).toBe(201);
    const failed = await eventually(
      async () => (await inbox(th, "TH:DOE")).find((i) => bodyOf(i).type === "delivery.failed"),
      "delivery.failed at TH:DOE",
    );
    expect(bodyOf(failed).body).toMatchObject({
      messageId: env.id,
      reason: "refused_by_peer",
      errorCode: "attachment.not-found",
    });
    expect(await inbox(la, "LA:ATD")).toEqual([]);
  });
});
