import { parseInstant } from "@frx/spec";
import { check } from "../harness/check.js";
import { section } from "./define.js";
import { HOUR, inForce, next, refused, signedBy, stranger, xa, xb } from "./trust-chain.js";

const t = section("federation/trust-versions", "federation");

export const trustVersionTests = [
  t("FRX-TRUST-013", async (h) => {
    // A correct next version, signed by one active member where the quorum is higher.
    const f = await inForce(h);
    check(f.list.quorum >= 2, `the list in force has quorum ${f.list.quorum}; the kit's needs 2`);
    await refused(
      h,
      "a version signed by XA alone",
      signedBy(next(f), [xa(h)]),
      "trust.quorum-not-met",
    );
  }),

  t("FRX-TRUST-008", async (h) => {
    const f = await inForce(h);
    const skip = next(f, { version: f.list.version + 2 });
    await refused(
      h,
      "a version that skips a number",
      signedBy(skip, [xa(h)]),
      "trust.list-invalid",
    );
    const fork = next(f, { previousDigest: "0".repeat(64) });
    await refused(
      h,
      "a version naming another previous digest",
      signedBy(fork, [xa(h)]),
      "trust.list-invalid",
    );
  }),

  t("FRX-TRUST-009", async (h) => {
    const f = await inForce(h);
    const early = next(f, {
      issuedAt: new Date(parseInstant(f.list.issuedAt, "/issuedAt") - HOUR).toISOString(),
    });
    await refused(
      h,
      "a version issued before the list in force",
      signedBy(early, [xa(h)]),
      "trust.list-invalid",
    );
    const late = next(f, { issuedAt: new Date(Date.now() + HOUR).toISOString() });
    await refused(
      h,
      "a version issued an hour from now",
      signedBy(late, [xa(h)]),
      "trust.list-invalid",
    );
  }),

  t("FRX-TRUST-010", async (h) => {
    const f = await inForce(h);
    const active = f.list.members.filter((m) => m.status === "active").length;
    const v = next(f, { quorum: active + 1 });
    await refused(
      h,
      `a version with quorum ${active + 1} of ${active} active`,
      signedBy(v, [xa(h)]),
      "trust.list-invalid",
    );
  }),

  t("FRX-TRUST-011", async (h) => {
    const f = await inForce(h);
    await refused(
      h,
      "a version also signed by a key of no member",
      signedBy(next(f), [xa(h), stranger()]),
      "trust.member-unknown",
    );
  }),

  t("FRX-TRUST-012", async (h) => {
    const f = await inForce(h);
    await refused(
      h,
      "a version also signed by XB, suspended",
      signedBy(next(f), [xa(h), xb(h)]),
      "trust.member-suspended",
    );
  }),

  t("FRX-TRUST-005", async (h) => {
    const f = await inForce(h);
    // Step 4 (version) comes before step 7 (quorum) and step 11 (kid).
    const active = f.list.members.filter((m) => m.status === "active").length;
    const many = next(f, { version: f.list.version + 2, quorum: active + 1 });
    await refused(
      h,
      "a version failing steps 4, 7 and 11",
      signedBy(many, [stranger()]),
      "trust.list-invalid",
    );
    // Signatures in order: XB's (step 12) comes before the stranger's (step 11).
    await refused(
      h,
      "a version signed by XB, then by a stranger",
      signedBy(next(f), [xb(h), stranger()]),
      "trust.member-suspended",
    );
  }),
];
