import { check, same } from "../harness/check.js";
import { ulid } from "../harness/ulid.js";
import { ENVELOPE_LIMIT, envelopeOfSize } from "./big-envelope.js";
import { section } from "./define.js";

const t = section("envelope", "core");
const pointers = (p: { violations?: Array<{ pointer: string; code: string }> }) =>
  (p.violations ?? []).map((v) => v.pointer);

export const envelopeTests = [
  t(
    "FRX-ENV-001",
    async (h) => {
      const p = await h.refused(h.sign(h.envelope("schema-invalid-fail")), "schema.invalid");
      const found = pointers(p);
      // Two faults: a required member missing, and a member no schema defines.
      check(
        found.length >= 2,
        `expected every violation listed, got ${JSON.stringify(p.violations)}`,
      );
      check(
        found.some((x) => x.startsWith("/body/colour")),
        `no violation at /body/colour: ${found.join(", ")}`,
      );
      check(
        p.violations!.every((v) => v.code === "schema.invalid"),
        "each violation has code schema.invalid",
      );
    },
    { covers: ["FRX-ENV-023", "FRX-EVO-002"] },
  ),

  t("FRX-ENV-002", async (h) => {
    await h.refused(h.sign(h.envelope("schema-unknown-type-fail")), "schema.unknown-type");
  }),

  t("FRX-ENV-003", async (h) => {
    await h.refused(h.sign(h.envelope("schema-case-none-fail")), "schema.invalid");
  }),

  t("FRX-EVO-001", async (h) => {
    await h.refused(h.sign(h.envelope("case-notify-ok", { frx: "2" })), "schema.invalid");
  }),

  t("FRX-EVO-002", async (h) => {
    const p = await h.refused(
      h.sign(h.envelope("case-notify-ok", { colour: "blue" })),
      "schema.invalid",
    );
    check(
      pointers(p).includes("/colour"),
      `expected a violation at /colour, got ${pointers(p).join(", ")}`,
    );
  }),

  t("FRX-ENV-009", async (h) => {
    // A participant address names its node before the colon; this one is routed here.
    const a = await h.accepted(h.sign(h.envelope("case-notify-ok")));
    same(a.receipt.deliveredTo, [h.id("VS")], "deliveredTo");
  }),

  t("FRX-ENV-010", async (h) => {
    const a = await h.accepted(h.sign(h.envelope("case-notify-mandate-ok")));
    const to = a.receipt.deliveredTo;
    check(
      to.includes(h.id("VS")),
      `the mandate address (role victim_services) did not resolve to ${h.id("VS")}: ${to.join(", ")}`,
    );
    check(!to.includes(h.id("OFF")), `a disabled participant was resolved: ${to.join(", ")}`);
    check(
      !to.includes(h.id("LI")) && !to.includes(h.id("POL")),
      `participants without the role were resolved: ${to.join(", ")}`,
    );
  }),

  t("FRX-ENV-011", async (h) => {
    const p = await h.refused(
      h.sign(h.envelope("routing-unknown-fail")),
      "routing.recipient-unknown",
    );
    void p;
    await h.refused(
      h.sign(h.envelope("case-notify-ok", { to: [{ participant: h.id("OFF") }] })),
      "routing.recipient-unknown",
    );
  }),

  t("FRX-ENV-012", async (h) => {
    // Two participants: a referral must resolve to exactly one.
    await h.refused(
      h.sign(h.envelope("referral-create-two-recipients-fail")),
      "routing.recipient-unknown",
    );
  }),

  t("FRX-ENV-019", async (h) => {
    const jws = envelopeOfSize(h.envelope("case-notify-ok"), h.key("LI"), ENVELOPE_LIMIT);
    check(
      jws.length > ENVELOPE_LIMIT - 8 && jws.length <= ENVELOPE_LIMIT,
      `built ${jws.length} bytes`,
    );
    await h.accepted(jws);
  }),

  t(
    "FRX-ENV-020",
    async (h) => {
      const jws = envelopeOfSize(h.envelope("case-notify-ok"), h.key("LI"), ENVELOPE_LIMIT + 4096);
      const reply = await h.submit(jws, { isolate: true });
      if (reply.status >= 200 && reply.status < 300)
        h.warn(`a ${jws.length}-byte envelope was accepted (allowed)`);
      else h.problem(reply, "envelope.too-large");
    },
    { mandatory: false },
  ),

  t("FRX-ENV-021", async (h) => {
    // Routing (5) before policy (7): an unknown recipient and a firewall breach.
    const firewall = h.envelope("policy-firewall-fail");
    await h.refused(
      h.sign({ ...firewall, to: [{ participant: `${h.node.id}:CONF-NOBODY` }] }),
      "routing.recipient-unknown",
    );
    // Attachments (6) before policy (7).
    const missing = { sha256: "ab".repeat(32), mediaType: "application/pdf", size: 10 };
    await h.refused(h.sign({ ...firewall, attachments: [missing] }), "attachment.not-found");
    // Policy (7) before state (8): a reply to no referral, to a recipient the purpose may not address.
    const ack = h.envelope("referral-acknowledge-ok", {
      from: h.id("LI"),
      to: [{ participant: h.id("VS") }],
      sequence: 2,
      purpose: "criminal_investigation_trafficking",
      referral: ulid(),
    });
    await h.refused(h.sign(ack), "policy.purpose-mismatch");
  }),

  t("FRX-ENV-022", async (h) => {
    await h.refused("not-a-jws", "jws.malformed");
    h.problem(await h.http.call("GET", "/v1/no-such-route"), "request.not-found");
    const p = await h.refused(
      h.sign(h.envelope("policy-message-tier-fail")),
      "policy.tier-exceeded",
    );
    check(typeof p.title === "string" || p.title === undefined, "title is text");
  }),

  t("FRX-ENV-024", async (h) => {
    const headers = { "content-type": "application/json" };
    h.problem(
      await h.call("POST", "/v1/inbox/ack", { as: "LI", headers, body: "{not json" }),
      "request.malformed",
    );
    h.problem(
      await h.call("POST", "/v1/inbox/ack", { as: "LI", headers, body: "[1]" }),
      "request.malformed",
    );
  }),

  t("FRX-ENV-025", async (h) => {
    const jws = h.sign(h.envelope("case-notify-ok"));
    h.problem(await h.submit(jws, { contentType: "text/plain" }), "request.media-type");
  }),

  t("FRX-ENV-026", async (h) => {
    const body = JSON.stringify({ cursors: Array.from({ length: 300_000 }, (_, i) => i) });
    const headers = { "content-type": "application/json" };
    h.problem(
      await h.call("POST", "/v1/inbox/ack", { as: "LI", headers, body, isolate: true }),
      "request.too-large",
    );
  }),

  t("FRX-ENV-027", async (h) => {
    h.problem(await h.http.call("GET", "/v1/no-such-route"), "request.not-found");
    const unknownCase = encodeURIComponent(`${h.id("LI")}:${ulid()}`);
    h.problem(await h.call("GET", `/v1/cases/${unknownCase}`, { as: "LI" }), "request.not-found");
  }),

  t("FRX-ENV-028", async (h) => {
    h.problem(await h.http.call("DELETE", "/v1/envelopes"), "request.method-not-allowed");
    h.problem(
      await h.http.call("PUT", "/v1/envelopes", {
        headers: { "content-type": "application/jose" },
        body: "x.y.z",
      }),
      "request.method-not-allowed",
    );
  }),
];
