import { check, same } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { waitForInbox } from "../harness/inbox.js";
import { ulid } from "../harness/ulid.js";
import { section } from "./define.js";
import { done, refusedStep } from "./operator-support.js";

/**
 * Erasure by personRef and legal holds, through the operator steps erase-person, place-hold and
 * release-hold (docs/certification.md, "Operator steps"): what the agency API serves after an
 * erasure, and what a hold keeps. Each test names a fresh personRef, so that it erases nothing
 * of the other tests' (the fixtures all name pp_ConformanceTestWorker001).
 */
const t = section("data-protection/erasure", "core");

const NAME = "Conformance Test Worker";

/** A consent on record for a fresh person in a fresh case, and an identified case.notify naming them, LI → VS. */
export async function personInCase(h: Harness) {
  const personRef = `pp_Conf${ulid()}`;
  const record = h.envelope("consent-record-ok");
  record.body = {
    ...record.body,
    consent: { ...(record.body.consent as object), personRef },
  };
  const consentJws = h.sign(record);
  await h.accepted(consentJws);
  const notifyJws = h.sign(identified(h, record.case!, personRef));
  await h.accepted(notifyJws);
  return { personRef, caseId: record.case!, ids: [h.idOf(consentJws), h.idOf(notifyJws)] };
}

function identified(h: Harness, caseId: string, personRef: string) {
  const notify = h.envelope("case-notify-identified-ok", { case: caseId });
  const persons = notify.body.persons as Array<Record<string, unknown>>;
  notify.body = { ...notify.body, persons: [{ ...persons[0], personRef }] };
  return notify;
}

interface RawItem {
  cursor: number;
  messageId: string;
  jws?: string;
}

/** VS's inbox items for `ids` as served now, read from just before the first of them. */
export async function servedToVs(h: Harness, ids: string[], from: number): Promise<RawItem[]> {
  const r = await h.call("GET", `/v1/inbox?after=${from - 1}&limit=50`, { as: "VS" });
  check(r.status === 200, `GET /v1/inbox as ${h.id("VS")} answered ${r.status}`);
  return (r.json<{ items?: RawItem[] }>().items ?? []).filter((i) => ids.includes(i.messageId));
}

/** Acknowledges VS's items for `ids`, so that later tests reading VS's inbox meet no erased item. */
export async function acknowledge(h: Harness, items: RawItem[]): Promise<void> {
  if (items.length === 0) return;
  const r = await h.call("POST", "/v1/inbox/ack", {
    as: "VS",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ cursors: items.map((i) => i.cursor) }),
  });
  check(r.status === 200, `acknowledging the erased items answered ${r.status}: ${r.text}`);
}

export async function firstCursor(h: Harness, ids: string[]): Promise<number> {
  const items = await Promise.all(
    ids.map((id) => waitForInbox(h, "VS", (i) => i.messageId === id, `${id} in VS's inbox`)),
  );
  return Math.min(...items.map((i) => i.cursor));
}

export const operatorErasureTests = [
  t(
    "FRX-DP-009",
    async (h) => {
      const { personRef, caseId, ids } = await personInCase(h);
      const kept = h.sign(h.envelope("case-notify-ok", { case: caseId }));
      await h.accepted(kept);
      const from = await firstCursor(h, [...ids, h.idOf(kept)]);
      const erasure = await done(
        h,
        { step: "erase-person", personRef, reason: "Conformance: the person's request" },
        `the erasure of ${personRef}`,
      );
      const erased = (erasure as { messages?: unknown }).messages;
      check(
        Array.isArray(erased),
        `erase-person printed no messages list: ${JSON.stringify(erasure)}`,
      );
      same([...erased].sort(), [...ids].sort(), `the messages erased for ${personRef}`);
      // FRX-DP-006: no API serves the content any more; the message that did not name them stays.
      const served = await servedToVs(h, [...ids, h.idOf(kept)], from);
      try {
        for (const id of ids) {
          const item = served.find((i) => i.messageId === id);
          check(item?.jws === undefined, `VS's inbox still serves the erased envelope ${id}`);
          check(
            !JSON.stringify(item ?? {}).includes(NAME) &&
              !JSON.stringify(item ?? {}).includes(personRef),
            `VS's inbox item ${id} still shows the erased content: ${JSON.stringify(item).slice(0, 300)}`,
          );
        }
        const other = served.find((i) => i.messageId === h.idOf(kept));
        same(other?.jws, kept, "the envelope in the same case that named nobody, as served to VS");
      } finally {
        await acknowledge(h, served);
      }
      // Its traces stay: the case view still lists the erased messages.
      const view = await h.call("GET", `/v1/cases/${encodeURIComponent(caseId)}`, { as: "LI" });
      check(view.status === 200, `the case view answered ${view.status} after the erasure`);
      const lines = view.json<{ timeline?: Array<{ messageId?: string }> }>().timeline ?? [];
      for (const id of ids)
        check(
          lines.some((l) => l.messageId === id),
          `the case view's timeline lost ${id} with its content`,
        );
      check(!view.text.includes(NAME), "the case view shows the erased name");
      // The consent on record for them went with it: the same disclosure now lacks consent.
      await h.refused(h.sign(identified(h, caseId, personRef)), "policy.consent-missing");
    },
    { covers: ["FRX-DP-006"] },
  ),

  t("FRX-DP-008", async (h) => {
    const { personRef, caseId, ids } = await personInCase(h);
    const from = await firstCursor(h, ids);
    const hold = await done(
      h,
      { step: "place-hold", case: caseId, reason: "Conformance: proceedings open" },
      `a legal hold on ${caseId}`,
    );
    const holdId = (hold as { id?: unknown }).id;
    check(typeof holdId === "string", `place-hold printed no hold id: ${JSON.stringify(hold)}`);
    await refusedStep(
      h,
      { step: "erase-person", personRef, reason: "Conformance: the person's request" },
      "dp.legal-hold",
      `an erasure of ${personRef}, named only in ${caseId}, under a legal hold`,
    );
    const held = await servedToVs(h, ids, from);
    for (const id of ids)
      check(
        typeof held.find((i) => i.messageId === id)?.jws === "string",
        `VS's inbox no longer serves ${id}, in a case under a legal hold`,
      );
    await done(h, { step: "release-hold", case: caseId, hold: holdId }, "the release of the hold");
    const erasure = await done(
      h,
      { step: "erase-person", personRef, reason: "Conformance: the person's request" },
      `the erasure of ${personRef} after the hold was released`,
    );
    same(
      [...((erasure as { messages?: string[] }).messages ?? [])].sort(),
      [...ids].sort(),
      "the messages erased once the hold was released",
    );
    await acknowledge(h, await servedToVs(h, ids, from));
  }),
];
