import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Logger } from "@frx/node";
import { MessageType, type BodyOf, type FrxClient } from "@frx/sdk";
import {
  AgencySystem,
  decide,
  type LogEntry,
  type Mandate,
} from "../src/agency-system/agency-system.js";
import { LocalFederation } from "../src/federation/local-federation.js";

type Create = typeof MessageType.ReferralCreate;
/** A sent referral: the verified receipt and what was signed, with its case and referral ids. */
type Referred = Awaited<ReturnType<FrxClient["referrals"]["create"]>>;

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

const MOLSW: Mandate = {
  tracks: ["labour", "remedy"],
  powers: ["workplace_inspection", "victim_protection", "repatriation_assistance"],
  services: ["Repatriation", "Legal", "Interpretation", "Shelter"],
};

/** Polls `probe` every 100 ms until it returns a value, failing after `timeoutMs`. */
async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A referral.create body: no person-level data beyond the summary, so T1 suffices. */
function referralBody(client: FrxClient, over: Partial<BodyOf<Create>>): BodyOf<Create> {
  return {
    reason: "AdditionalServicesRequired",
    track: "remedy",
    urgency: "routine",
    viewProfile: "service_provider_min",
    summary: "Lao deckhand back from a Thai trawler; wages unpaid, return home arranged.",
    consent: {
      consentId: client.newId(),
      obtainedFrom: "individual",
      obtainedAt: "2026-03-02T08:40:00Z",
      flags: { services: true, disclosure: true, reporting: true, tracing: false },
      audiences: ["domestic_authorities", "foreign_authorities", "service_providers"],
      informed: { purpose: true, uses: true, retention: true, withdrawal: true },
    },
    ...over,
  };
}

function refer(
  client: FrxClient,
  purpose: "victim_assistance" | "recruitment_regulation" | "labour_inspection",
  over: Partial<BodyOf<Create>>,
): Promise<Referred> {
  return client.referrals.create({
    to: [{ participant: "LA:MOLSW" }],
    purpose,
    legalBasis: { code: "public_task", reference: "Bilateral MOU on labour cooperation, art. 9" },
    tier: "T1",
    body: referralBody(client, over),
  });
}

/** The referral's state and timeline as its referrer's node shows them to the referrer. */
async function referrerSees(client: FrxClient, ref: { case: string; referral: string }) {
  const view = await client.cases.get(ref.case);
  return {
    state: view.referrals.find((r) => r.referral === ref.referral)?.state,
    types: view.timeline.filter((t) => t.referral === ref.referral).map((t) => t.type),
  };
}

let fed: LocalFederation;
let folder: string;
let stateFile: string;
const log: LogEntry[] = [];
const forReferral = (ref: { referral: string }) =>
  log.filter((e) => e.referral === ref.referral).map((e) => e.action);

beforeAll(async () => {
  fed = await LocalFederation.start(["TH", "LA"], quiet);
  folder = await mkdtemp(join(tmpdir(), "frx-agency-system-"));
  stateFile = join(folder, "molsw-inbox.json");
}, 60_000);

afterAll(async () => {
  await fed?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe("decide", () => {
  it("accepts what is within the mandate and declines the rest with a coded reason", () => {
    const client = { newId: () => "01KJPWGVT06F3AHQXK8TNA52FB" } as FrxClient;
    expect(decide(referralBody(client, { requestedServices: ["Repatriation"] }), MOLSW)).toEqual({
      accept: true,
    });
    expect(decide(referralBody(client, { track: "criminal" }), MOLSW)).toMatchObject({
      accept: false,
      reason: "no_jurisdiction",
    });
    expect(decide(referralBody(client, { requestedPowers: ["arrest"] }), MOLSW)).toMatchObject({
      accept: false,
      reason: "no_jurisdiction",
    });
    expect(decide(referralBody(client, { requestedServices: ["Health"] }), MOLSW)).toMatchObject({
      accept: false,
      reason: "no_capacity",
    });
  });
});

describe("the agency system of LA:MOLSW", () => {
  let a: Referred;
  let b: Referred;
  let savedCursor = 0;

  it("acknowledges every referral, accepts those in its mandate and declines the others", async () => {
    const doe = fed.client("TH:DOE");
    const system = await AgencySystem.open({
      client: fed.client("LA:MOLSW"),
      stateFile,
      mandate: MOLSW,
      handlerRole: "Savannakhet provincial labour office",
      log: (e) => log.push(e),
      waitMs: 500,
    });
    expect(system.cursor).toBe(0);
    const stop = new AbortController();
    const running = system.run(stop.signal);
    try {
      // Across the border: a wage claim and return (within the mandate) and a licence revocation (not).
      a = await refer(doe, "victim_assistance", { requestedServices: ["Repatriation", "Legal"] });
      b = await refer(doe, "recruitment_regulation", {
        track: "licensing",
        requestedPowers: ["licence_revocation"],
        summary:
          "Recruitment agency charged the deckhands illegal fees; please revoke its licence.",
      });
      await until("both referrals decided", () =>
        forReferral(a).includes("accepted") && forReferral(b).includes("declined")
          ? true
          : undefined,
      );
    } finally {
      stop.abort();
      await running;
    }
    expect(forReferral(a)).toEqual(["acknowledged", "accepted"]);
    expect(forReferral(b)).toEqual(["acknowledged", "declined"]);
    expect(log.find((e) => e.referral === b.referral && e.action === "declined")?.reason).toBe(
      "no_jurisdiction",
    );

    // The referrer's node (TH) shows what the recipient's node (LA) decided, once delivered.
    for (const [ref, state, decision] of [
      [a, "accepted", "referral.accept"],
      [b, "declined", "referral.decline"],
    ] as const) {
      const seen = await until(`TH:DOE to see ${state}`, async () => {
        const s = await referrerSees(doe, ref);
        return s.state === state ? s : undefined;
      });
      expect(seen.types).toEqual(["referral.create", "referral.acknowledge", decision]);
    }

    // The cursor of the last item handled is on disk.
    savedCursor = system.cursor;
    expect(savedCursor).toBeGreaterThan(0);
    expect(JSON.parse(await readFile(stateFile, "utf8"))).toEqual({
      participant: "LA:MOLSW",
      cursor: savedCursor,
    });
  }, 60_000);

  it("after a restart resumes from its saved cursor and handles only what arrived meanwhile", async () => {
    const atd = fed.client("LA:ATD");
    const doe = fed.client("TH:DOE");
    // While the system is down: a domestic referral from the Lao police, and one more from Thailand.
    const c = await refer(atd, "labour_inspection", {
      track: "labour",
      requestedPowers: ["workplace_inspection"],
      summary: "Recruiter's office in Savannakhet suspected of holding workers' passports.",
    });
    const d = await refer(doe, "victim_assistance", { requestedServices: ["Health"] });
    const before = log.length;

    const system = await AgencySystem.open({
      client: fed.client("LA:MOLSW"),
      stateFile,
      mandate: MOLSW,
      handlerRole: "Savannakhet provincial labour office",
      log: (e) => log.push(e),
      waitMs: 500,
    });
    expect(system.cursor).toBe(savedCursor);
    const stop = new AbortController();
    const running = system.run(stop.signal);
    try {
      await until("both new referrals decided", () =>
        forReferral(c).includes("accepted") && forReferral(d).includes("declined")
          ? true
          : undefined,
      );
    } finally {
      stop.abort();
      await running;
    }
    const handledNow = log.slice(before);
    expect(new Set(handledNow.map((e) => e.referral))).toEqual(new Set([c.referral, d.referral]));
    expect(handledNow.every((e) => e.cursor > savedCursor)).toBe(true);
    expect(forReferral(d)).toEqual(["acknowledged", "declined"]);
    expect(log.find((e) => e.referral === d.referral && e.action === "declined")?.reason).toBe(
      "no_capacity",
    );
    expect(system.cursor).toBeGreaterThan(savedCursor);

    // The domestic referrer reads its case at the same node.
    expect((await referrerSees(atd, c)).state).toBe("accepted");

    // Handling an item again (a redelivery after a crash before the cursor was saved) changes nothing.
    await system.handle({
      ok: true,
      cursor: savedCursor,
      messageId: a.messageId,
      receivedAt: a.receipt.receivedAt,
      message: a.message,
      jws: a.jws,
      digest: a.digest,
    });
    expect(log.at(-1)).toMatchObject({ referral: a.referral, action: "already-handled" });
    expect((await referrerSees(doe, a)).state).toBe("accepted");
  }, 60_000);
});
