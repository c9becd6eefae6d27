import { same } from "../harness/check.js";
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
];
