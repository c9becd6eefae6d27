import type { Types } from "@frx/spec";
import { check, same } from "../harness/check.js";
import { section } from "./define.js";
import { deliveredToPeer, sendToPeer } from "./federation-support.js";

const t = section("federation/routing", "federation");

export const routingTests = [
  t(
    "FRX-FED-057",
    async (h) => {
      const to = (participant: string) =>
        h.sign(h.envelope("outbound-case-notify-ok", { to: [{ participant }] }));
      await h.refused(to(`${h.peer.node}:NOBODY`), "routing.recipient-unknown");
      await h.refused(to(`${h.kit.manifest.peer.suspended}:PEER`), "routing.recipient-unknown");
      await h.refused(to("XZ:PEER"), "routing.recipient-unknown");
      // Refused at submission, nothing is queued for XB (suspended) or XZ (not listed).
    },
    { covers: ["FRX-TRUST-026"] },
  ),

  t("FRX-FED-010", async (h) => {
    // The peer registers an agency after the node cached its directory.
    const fresh = `${h.peer.node}:NEW-${Date.now().toString(36).toUpperCase()}`;
    const template = h.peer.docs.directory().directory.participants[0]!;
    h.peer.docs.extraParticipants.push({
      ...template,
      id: fresh,
      name: "Conformance harness new peer agency",
    });
    const { id } = await sendToPeer(h, { to: [{ participant: fresh }] });
    await deliveredToPeer(h, id);
  }),

  t("FRX-FED-058", async (h) => {
    const jws = h.sign(
      h.envelope("policy-firewall-fail", { to: [{ participant: h.peer.docs.agency }] }),
    );
    const res = await h.submit(jws);
    // A node that let it through has queued it: let it leave before failing, so that the
    // outbox is empty for the next test.
    if (res.status < 300) await deliveredToPeer(h, h.idOf(jws)).catch(() => undefined);
    h.problem(res, "policy.firewall");
  }),
  t("FRX-FED-056", async (h) => {
    // A mandate address at the peer: resolved in its directory before anything is stored.
    const { id } = await sendToPeer(h, { to: [{ node: h.peer.node, role: "victim_services" }] });
    await deliveredToPeer(h, id);
    await h.refused(
      h.sign(h.envelope("outbound-case-notify-ok", { to: [{ node: h.peer.node, role: "court" }] })),
      "routing.recipient-unknown",
    );
  }),
  t("FRX-FED-003", async (h) => {
    // The peer's signed metadata advertises a decoy endpoint and encryption key.
    const { id } = await sendToPeer(h);
    await deliveredToPeer(h, id);
    same(h.peer.decoys, [], "requests to the endpoint only the peer's metadata gives");
  }),

  t("FRX-FED-069", async (h) => {
    // The peer's next directory adds an agency of its own and one that claims node XZ.
    const stamp = Date.now().toString(36).toUpperCase();
    const fresh = `${h.peer.node}:NEW-${stamp}`;
    const foreign = `XZ:EVIL-${stamp}`;
    const template = h.peer.docs.directory().directory.participants[0]!;
    const added = [fresh, foreign].map((id) => ({ ...template, id, name: `Conformance ${id}` }));
    h.peer.docs.extraParticipants.push(...added);
    try {
      // Addressing the new agency makes the node fetch that directory, which it must not take.
      await h.refused(
        h.sign(h.envelope("outbound-case-notify-ok", { to: [{ participant: fresh }] })),
        "routing.recipient-unknown",
      );
      const held = await h.http.call("GET", `/v1/directories/${h.peer.node}`);
      check(held.status === 200, `GET /v1/directories/${h.peer.node} answered ${held.status}`);
      const ids = held
        .json<{ directory: Types.Directory }>()
        .directory.participants.map((p) => p.id);
      same(
        ids.filter((id) => id === fresh || id === foreign),
        [],
        "participants of the refused directory that the node serves to its agencies",
      );
    } finally {
      for (const a of added)
        h.peer.docs.extraParticipants.splice(h.peer.docs.extraParticipants.indexOf(a), 1);
    }
  }),

  t("FRX-POL-037", async (h) => {
    // The peer's agency holds labour_inspectorate and victim_services: addressed by its id,
    // it is not addressed in its victim_services capacity.
    const base = h.envelope("immigration-to-victim-services-ok");
    const consent = (base.body as { consent: Record<string, unknown> }).consent;
    const body = {
      ...base.body,
      consent: { ...consent, audiences: ["foreign_authorities", "service_providers"] },
    };
    const toPeer = (to: object) => h.sign({ ...base, to: [to], body });
    const p = await h.refused(toPeer({ participant: h.peer.docs.agency }), "policy.firewall");
    check(
      (p.violations ?? []).some(
        (v) => v.code === "policy.firewall" && v.pointer.startsWith("/body/persons/0/immigration"),
      ),
      `no policy.firewall at the immigration field: ${JSON.stringify(p.violations)}`,
    );
  }),

  t("FRX-FED-005", async (h) => {
    for (const fault of ["stranger", "typ"] as const) {
      const fresh = `${h.peer.node}:NEW-${fault.toUpperCase()}-${Date.now().toString(36).toUpperCase()}`;
      const template = h.peer.docs.directory().directory.participants[0]!;
      const added = { ...template, id: fresh, name: `Conformance ${fresh}` };
      h.peer.docs.extraParticipants.push(added);
      h.peer.docs.directoryFault = fault;
      try {
        // The node fetches the directory that lists `fresh`, signed wrongly: it keeps its own.
        await h.refused(
          h.sign(h.envelope("outbound-case-notify-ok", { to: [{ participant: fresh }] })),
          "routing.recipient-unknown",
        );
      } finally {
        h.peer.docs.directoryFault = null;
        h.peer.docs.extraParticipants.splice(h.peer.docs.extraParticipants.indexOf(added), 1);
      }
    }
  }),
];
