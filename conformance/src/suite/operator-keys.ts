import { generateSigningKey, instantMs, publicJwkOf, type PrivateJwk } from "@frx/spec";
import { check, same } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { section } from "./define.js";
import {
  done,
  entryOf,
  notifyFrom,
  refusedStep,
  scratchToken,
  submitAs,
  withScratch,
  type Scratch,
} from "./operator-support.js";

/**
 * An agency's keys retired in rotation and revoked as compromised, through the operator steps
 * rotate-agency-key and revoke-agency-key (docs/certification.md, "Operator steps"), each on a
 * scratch agency of the test's own: what the directory lists, and what the node refuses after.
 */
const t = section("admin/keys", "core");

const at = (ms: number) => new Date(ms).toISOString();

/** Rotates the scratch agency to a fresh key; returns it and the old key's notAfter as listed. */
async function rotate(h: Harness, s: Scratch): Promise<{ next: Scratch; notAfterMs: number }> {
  const key = generateSigningKey().privateJwk;
  await done(
    h,
    { step: "rotate-agency-key", id: s.id, publicJwk: publicJwkOf(key) },
    `the rotation of ${s.id}'s key`,
  );
  const old = (await entryOf(h, s.id))?.keys.find((k) => k.kid === publicJwkOf(s.key).kid);
  check(old, `the directory no longer lists ${s.id}'s retired key ${publicJwkOf(s.key).kid}`);
  same(old.status, "retired", "the status of the key retired in rotation");
  check(old.notAfter, `the retired key ${old.kid} is listed without notAfter`);
  const notAfterMs = instantMs(old.notAfter);
  check(notAfterMs !== undefined, `the retired key's notAfter ${old.notAfter} is not an instant`);
  return { next: { id: s.id, key }, notAfterMs };
}

/** A case.notify from the scratch agency signed with `key` at `sentAtMs`, and the node's answer. */
async function sendSigned(
  h: Harness,
  s: Scratch,
  key: PrivateJwk,
  sentAtMs: number,
  current: Scratch,
) {
  // The token is signed with the agency's current key: only the envelope's key is on trial.
  return submitAs(h, current, h.sign(notifyFrom(h, s, at(sentAtMs)), key));
}

export const operatorKeyTests = [
  t(
    "FRX-SIG-015",
    async (h) => {
      await withScratch(h, {}, async (s) => {
        const { next, notAfterMs } = await rotate(h, s);
        // Signed before the retirement: still verifies (the key stays listed for it, FRX-SIG-005).
        const before = await sendSigned(h, s, s.key, notAfterMs - 2_000, next);
        check(
          before.status === 201,
          `an envelope signed with the retired key at a sentAt before its notAfter answered ${before.status}: ${before.text.slice(0, 300)}`,
        );
        const after = await sendSigned(h, s, s.key, notAfterMs + 2_000, next);
        h.problem(after, "jws.key-retired");
        const current = await sendSigned(h, s, next.key, notAfterMs + 2_000, next);
        check(
          current.status === 201,
          `an envelope signed with the new key answered ${current.status}: ${current.text.slice(0, 300)}`,
        );
      });
    },
    { covers: ["FRX-SIG-005"] },
  ),

  t("FRX-ADM-007", async (h) => {
    await withScratch(h, {}, async (s) => {
      const { next, notAfterMs } = await rotate(h, s);
      const revokedAt = notAfterMs - 1_000;
      await done(
        h,
        {
          step: "revoke-agency-key",
          id: s.id,
          kid: publicJwkOf(s.key).kid!,
          revokedAt: at(revokedAt),
        },
        `the revocation of ${s.id}'s retired key`,
      );
      // Claiming a time before the revocation does not help: it arrived after it.
      h.problem(await sendSigned(h, s, s.key, revokedAt - 5_000, next), "jws.key-revoked");
      h.problem(await sendSigned(h, s, s.key, Date.now(), next), "jws.key-revoked");
      const token = await scratchToken(h, s, s.key);
      h.problem(
        await h.http.call("GET", "/v1/inbox?limit=1", {
          headers: { authorization: `Bearer ${token}` },
        }),
        "jws.key-revoked",
      );
      // The agency's current key is not affected.
      const current = await sendSigned(h, s, next.key, Date.now(), next);
      check(
        current.status === 201,
        `an envelope signed with ${s.id}'s current key answered ${current.status}: ${current.text.slice(0, 300)}`,
      );
    });
  }),

  t("FRX-SIG-006", async (h) => {
    await withScratch(h, {}, async (s) => {
      const { next } = await rotate(h, s);
      const kid = publicJwkOf(s.key).kid!;
      await done(
        h,
        { step: "revoke-agency-key", id: s.id, kid, revokedAt: at(Date.now() - 1_000) },
        `the revocation of ${s.id}'s key ${kid}`,
      );
      const keys = (await entryOf(h, s.id))?.keys ?? [];
      check(
        !keys.some((k) => k.kid === kid),
        `the directory still lists the revoked key ${kid} (${keys.find((k) => k.kid === kid)?.status})`,
      );
      same(
        keys.map((k) => [k.kid, k.status]),
        [[publicJwkOf(next.key).kid, "current"]],
        `${s.id}'s keys in the directory after the revocation`,
      );
    });
  }),

  t("FRX-ADM-009", async (h) => {
    await withScratch(h, {}, async (s) => {
      // The old key, retired by a rotation, is one the node would revoke as of a valid instant.
      const { next } = await rotate(h, s);
      const kid = publicJwkOf(s.key).kid!;
      const revoke = (revokedAt: string) =>
        ({ step: "revoke-agency-key", id: s.id, kid, revokedAt }) as const;
      await refusedStep(
        h,
        revoke(at(Date.now() + 3_600_000)),
        "request.malformed",
        "a revocation an hour from now",
      );
      await refusedStep(
        h,
        revoke("yesterday"),
        "request.malformed",
        "a revocation as of yesterday",
      );
      await refusedStep(
        h,
        revoke("2026-02-30T10:00:00Z"),
        "request.malformed",
        "a revocation as of 30 February",
      );
      const keys = (await entryOf(h, s.id))?.keys.map((k) => [k.kid, k.status]);
      same(
        keys,
        [
          [kid, "retired"],
          [publicJwkOf(next.key).kid, "current"],
        ],
        `${s.id}'s keys after the refused revocations`,
      );
      await done(h, revoke(at(Date.now() - 1_000)), "a revocation as of a second ago");
    });
  }),
];
