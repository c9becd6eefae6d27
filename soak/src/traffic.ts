import { createHash, randomBytes, randomInt } from "node:crypto";
import { createClient, isFrxClientError, MessageType, type FrxClient } from "@frx/sdk";
import type { Cluster } from "./cluster.js";
import { crossBorderReferral, evidenceWith, fixture, ulid } from "./messages.js";
import { Tracker } from "./tracker.js";

/** What the load does; each kind is a realistic step of a case between agencies and nodes. */
export type OpKind = "referral" | "evidence" | "notify";
const MIX: OpKind[] = ["referral", "referral", "evidence", "notify"];
const CONSUMERS = ["TH:DOE", "TH:ATPD", "LA:MOLSW", "KH:MOLVT"];

/**
 * The soak's load and its readers: cross-border referrals (TH → LA or KH, acknowledged back
 * across the border by the reader there), evidence with a file at TH (downloaded and checked by
 * the police reader), case notices LA → TH; each recipient reads its inbox by long-poll and
 * acknowledges what it handled. Everything receipted is tracked until it is read.
 */
export class Traffic {
  readonly tracker = new Tracker();
  readonly latencies: number[] = [];
  readonly refused = new Map<string, number>();
  ops = 0;
  failedSends = 0;
  consumerErrors = 0;
  filesVerified = 0;
  filesBad = 0;
  private readonly clients = new Map<string, FrxClient>();
  private readonly stopReading = new AbortController();
  private readers: Array<Promise<void>> = [];

  constructor(private readonly cluster: Cluster) {}

  client(participant: string): FrxClient {
    let c = this.clients.get(participant);
    if (!c) {
      const cc = participant.slice(0, 2);
      c = createClient({
        nodeUrl: this.cluster.url(cc),
        node: cc,
        participant,
        privateKey: this.cluster.agencyKeys.get(participant)!,
        retry: { attempts: 1 },
      });
      this.clients.set(participant, c);
    }
    return c;
  }

  startReaders(): void {
    this.readers = CONSUMERS.map((p) => this.read(p, this.stopReading.signal));
  }

  async stopReaders(): Promise<void> {
    this.stopReading.abort();
    await Promise.all(this.readers);
  }

  async close(): Promise<void> {
    for (const c of this.clients.values()) await c.close();
  }

  /** One operation of the mix; resolves when its envelope is receipted (or refused). */
  async run(kind: OpKind = MIX[randomInt(MIX.length)]!): Promise<void> {
    const started = performance.now();
    try {
      if (kind === "referral") await this.referral();
      else if (kind === "evidence") await this.evidence();
      else await this.notify();
      this.ops++;
      this.latencies.push(performance.now() - started);
    } catch (error) {
      if (
        isFrxClientError(error) &&
        /^(policy|schema|state|auth|envelope|jws|routing)\./.test(error.code)
      )
        this.refused.set(error.code, (this.refused.get(error.code) ?? 0) + 1);
      else this.failedSends++;
    }
  }

  private async referral(): Promise<void> {
    const to = randomInt(2) === 0 || !this.cluster.isUp("KH") ? "LA:MOLSW" : "KH:MOLVT";
    const r = await this.client("TH:DOE").referrals.create({
      ...crossBorderReferral(),
      to: [{ participant: to }],
    } as never);
    this.tracker.expect(r.messageId, to, "referral.create from TH:DOE");
  }

  private async evidence(): Promise<void> {
    const doe = this.client("TH:DOE");
    const bytes = randomBytes(randomInt(4096, 65536));
    const file = await doe.attachments.upload(bytes, "application/octet-stream");
    const r = await doe.send(MessageType.EvidenceProvide, {
      ...evidenceWith(file),
      case: `TH:DOE:${ulid()}`,
      to: [{ participant: "TH:ATPD" }],
      attachments: [file],
    } as never);
    for (const p of r.deliveredTo)
      this.tracker.expect(r.messageId, p, "evidence.provide from TH:DOE");
  }

  private async notify(): Promise<void> {
    if (!this.cluster.isUp("LA")) return this.referral();
    const r = await this.client("LA:MOLSW").send(MessageType.CaseNotify, {
      ...fixture("case.notify"),
      case: `LA:MOLSW:${ulid()}`,
      to: [{ participant: "TH:DOE" }],
    } as never);
    this.tracker.expect(r.messageId, "TH:DOE", "case.notify from LA:MOLSW");
  }

  /** A recipient's reader: long-polls from its cursor, handles, acknowledges; starts over on errors. */
  private async read(participant: string, signal: AbortSignal): Promise<void> {
    let cursor = 0;
    while (!signal.aborted) {
      try {
        const client = this.client(participant);
        const inbox = client.inbox({ after: cursor, waitMs: 2000, signal });
        for await (const item of inbox) {
          this.tracker.delivered(item.messageId, participant, item.cursor);
          if (item.ok) await this.handle(client, participant, item.message);
          cursor = item.cursor;
          await inbox.ack(item.cursor);
        }
      } catch {
        if (signal.aborted) return;
        this.consumerErrors++;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private async handle(
    client: FrxClient,
    participant: string,
    message: {
      type: string;
      from: string;
      case?: string;
      referral?: string;
      attachments?: Array<{ sha256: string }>;
    },
  ): Promise<void> {
    if (message.type === MessageType.ReferralCreate && participant !== "TH:DOE") {
      try {
        const r = await client.referrals.acknowledge(
          { case: message.case!, referral: message.referral! },
          { assignedHandlerRole: "soak provincial labour office" },
        );
        this.tracker.expect(r.messageId, message.from, `referral.acknowledge from ${participant}`);
      } catch (error) {
        // Read again after a restart: acknowledged already, which is what handling means.
        if (!(isFrxClientError(error) && error.code.startsWith("state."))) throw error;
      }
    }
    if (message.type === MessageType.EvidenceProvide) {
      for (const a of message.attachments ?? []) {
        const bytes = Buffer.from(await (await client.attachments.download(a.sha256)).bytes());
        if (createHash("sha256").update(bytes).digest("hex") === a.sha256) this.filesVerified++;
        else this.filesBad++;
      }
    }
  }
}
