// The case work the conformance suite's client profile asks of a driver after its inbox
// (docs/certification.md, "Tasks"): read from the file FRX_TASK_FILE names, done with the SDK
// as an agency system would do it for its users, each submission reported.
import { createHmac, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { MessageType, type AnyMessage, type BodyOf, type FrxClient } from "@frx/sdk";
import { reportRegistry, reportSubmission } from "./contract.js";

type EvidenceKind = BodyOf<typeof MessageType.EvidenceProvide>["items"][number]["kind"];
type StatsCell = BodyOf<typeof MessageType.StatsReport>["cells"][number];

/**
 * One task of the task file (the suite's conformance/src/client/tasks.ts defines them); codes
 * are typed as the protocol's, which the SDK's schema check holds them to before sending.
 */
export type Task =
  | {
      task: "open-case";
      person: { fullName: string };
      referTo: string[];
      evidence: {
        to: string;
        file: string;
        mediaType: string;
        kind: EvidenceKind;
        description: string;
      };
      investigation: { mode: "joint"; with: string[]; hostCountry: string };
    }
  | { task: "refer-onward"; referral: string; to: string }
  | {
      task: "report-stats";
      to: string;
      period: { from: string; to: string };
      counts: Array<{
        dimensions: StatsCell["dimensions"];
        metric: StatsCell["metric"];
        count: number;
      }>;
    }
  | { task: "registry-lookup"; registrationNumber: string; issuer: string };

/** The tasks of this scenario (none when the suite names no file). */
export async function readTasks(): Promise<Task[]> {
  const file = process.env.FRX_TASK_FILE;
  if (!file) return [];
  return (JSON.parse(await readFile(file, "utf8")) as { tasks: Task[] }).tasks;
}

/**
 * Pairwise pseudonyms (FRX-ENV-006): an HMAC under the agency's own secret of the counterpart
 * and the agency's own key for the person, so that two counterparts cannot link theirs. A real
 * system keeps the secret; the driver makes one per run.
 */
export class Pseudonyms {
  constructor(private readonly secret: Uint8Array = randomBytes(32)) {}

  /** The `personRef` of `person` (the system's own key for them) for `counterpart`. */
  personRef(counterpart: string, person: string): string {
    const mac = createHmac("sha256", this.secret).update(`${counterpart}\n${person}`);
    return `pp_${mac.digest("base64url").slice(0, 32)}`;
  }
}

/** The client, remembering each verified referral.create of its inbox by referral id. */
export function remembering(client: FrxClient, received: Map<string, AnyMessage>): FrxClient {
  return {
    ...client,
    inbox: (options) => {
      const inner = client.inbox(options);
      return {
        get cursor() {
          return inner.cursor;
        },
        ack: (cursor) => inner.ack(cursor),
        async *[Symbol.asyncIterator]() {
          for await (const item of inner) {
            const m = item.ok ? item.message : undefined;
            if (m?.type === MessageType.ReferralCreate && m.referral) received.set(m.referral, m);
            yield item;
          }
        },
      };
    },
  };
}

const DAY = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A referral of a worker known by name, under the pseudonym minted for that recipient. */
function referralInput(client: FrxClient, to: string, personRef: string, fullName: string) {
  return {
    to: [{ participant: to }],
    purpose: "victim_assistance" as const,
    legalBasis: { code: "consent" as const },
    tier: "T2" as const,
    body: {
      reason: "AdditionalServicesRequired" as const,
      track: "remedy" as const,
      urgency: "routine" as const,
      requestedServices: ["Shelter" as const],
      viewProfile: "service_provider_min" as const,
      summary: "A worker found at a fishing port needs shelter.",
      persons: [{ personRef, identified: { fullName } }],
      consent: {
        consentId: client.newId(),
        personRef,
        obtainedFrom: "individual" as const,
        obtainedAt: new Date(Date.now() - DAY).toISOString(),
        flags: { services: true, disclosure: true, reporting: false, tracing: false },
        audiences: ["domestic_authorities" as const, "service_providers" as const],
        informed: { purpose: true, uses: true, retention: true, withdrawal: true },
      },
    },
  };
}

/**
 * Does each task with `client`, reporting every submission; a failed submission is reported
 * and the next one taken. `received` holds the referrals the inbox brought.
 */
export async function performTasks(
  client: FrxClient,
  tasks: readonly Task[],
  received: ReadonlyMap<string, AnyMessage>,
  pseudonyms: Pseudonyms = new Pseudonyms(),
): Promise<void> {
  const quietly = <T>(p: Promise<T>) => p.catch(() => undefined);
  for (const task of tasks) {
    if (task.task === "open-case") {
      const caseId = client.newCaseId();
      const person = `local:${task.person.fullName}`;
      for (const to of task.referTo)
        await quietly(
          reportSubmission(() =>
            client.referrals.create({
              ...referralInput(client, to, pseudonyms.personRef(to, person), task.person.fullName),
              case: caseId,
            }),
          ),
        );
      const e = task.evidence;
      const file = await client.attachments.upload(e.file, e.mediaType);
      const now = new Date().toISOString();
      await quietly(
        reportSubmission(() =>
          client.send(MessageType.EvidenceProvide, {
            to: [{ participant: e.to }],
            case: caseId,
            purpose: "labour_inspection",
            legalBasis: { code: "public_task", reference: "Labour Protection Act" },
            tier: "T2",
            attachments: [file],
            body: {
              channel: "administrative",
              items: [
                {
                  evidenceId: client.newId(),
                  kind: e.kind,
                  description: e.description,
                  sha256: file.sha256,
                  mediaType: file.mediaType,
                  size: file.size,
                  collectedBy: client.participant,
                  collectedAt: now,
                  channel: "administrative",
                  custody: [{ holder: client.participant, action: "collected", at: now }],
                  shareableWith: ["labour_inspection"],
                },
              ],
            },
          }),
        ),
      );
      const inv = task.investigation;
      await quietly(
        reportSubmission(() =>
          client.send(MessageType.InvestigationPropose, {
            to: inv.with.map((participant) => ({ participant })),
            case: caseId,
            purpose: "labour_inspection",
            legalBasis: { code: "public_task", reference: "Labour Protection Act" },
            tier: "T1",
            sequence: 1,
            body: {
              investigationId: client.newId(),
              mode: inv.mode,
              hostCountry: inv.hostCountry,
              participants: [client.participant, ...inv.with],
              scope: { tracks: ["labour"], description: "Wages withheld on fishing vessels." },
              proposedPeriod: { from: day(Date.now()), to: day(Date.now() + 30 * DAY) },
            },
          }),
        ),
      );
    } else if (task.task === "refer-onward") {
      const m = received.get(task.referral);
      if (!m?.case) continue;
      const person = (m.body as { persons?: Array<{ personRef: string; identified?: unknown }> })
        .persons?.[0];
      if (!person) continue;
      const fullName = (person.identified as { fullName?: string } | undefined)?.fullName ?? "";
      // Our own key for the worker is who referred them and under which pseudonym: their
      // pseudonym is theirs, used only with them (FRX-ENV-007); the onward one is ours.
      const ref = pseudonyms.personRef(task.to, `${m.from}/${person.personRef}`);
      await quietly(
        reportSubmission(() =>
          client.referrals.create({
            ...referralInput(client, task.to, ref, fullName),
            case: m.case,
          }),
        ),
      );
    } else if (task.task === "registry-lookup") {
      // The SDK verifies each member's JWS against the trust list (FRX-REG-008): a result it
      // could not verify comes back refused, and nothing of it is relied on.
      const lookup = await quietly(
        client.registryLookup({
          registrationNumber: task.registrationNumber,
          issuer: task.issuer,
        }),
      );
      for (const r of lookup?.results ?? []) reportRegistry(r);
    } else {
      await quietly(
        reportSubmission(() =>
          client.send(MessageType.StatsReport, {
            to: [{ participant: task.to }],
            purpose: "aggregate_statistics",
            legalBasis: { code: "public_task", reference: "Statistics Act" },
            tier: "T0",
            body: {
              period: task.period,
              k: 11,
              // A count under k would let a reader single out the few behind it (FRX-POL-026).
              cells: task.counts.map((c) => ({
                dimensions: c.dimensions,
                metric: c.metric,
                value: c.count < 11 ? null : c.count,
                suppressed: c.count < 11,
              })),
            },
          }),
        ),
      );
    }
  }
}
