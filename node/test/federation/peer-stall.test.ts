import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixture } from "../harness.js";
import { Cluster, type Member } from "./cluster.js";
import { notifyLa, tapPeers, type PeerAnswer } from "./taps.js";

let cluster: Cluster;
let th: Member;
beforeEach(async () => {
  cluster = await Cluster.start(["TH", "LA"]);
  th = cluster.get("TH");
});
afterEach(async () => cluster.close());

describe("a slow peer", () => {
  it("FRX-FED-068: a directory fetch that never ends does not hold back a domestic envelope", async () => {
    let release!: (a: PeerAnswer) => void;
    let fetching!: () => void;
    const fetchStarted = new Promise<void>((r) => (fetching = r));
    const tap = tapPeers(th, (call, real) => {
      if (!call.url.endsWith("/directory")) return real();
      fetching();
      return new Promise<PeerAnswer>((r) => (release = r));
    });
    // TH has no directory of LA yet: this one waits on LA's answer.
    const crossBorder = th.submit(th.sign(notifyLa(1)));
    await fetchStarted;
    const domestic = {
      ...fixture("case.notify"),
      id: "01KJPWGVT06F3AHQXK8TNB9001",
      from: "TH:DSDW",
      to: [{ participant: "TH:DOE" }],
      // A case TH:DSDW opened: only a case's parties name it (FRX-MSG-010).
      case: "TH:DSDW:01JNB5X8Q2M3N4P5R6S7T8V9W0",
    };
    const res = await th.submit(th.sign(domestic));
    expect(res.status, await res.clone().text()).toBe(201);
    // Only now does LA answer (with an outage); the cross-border envelope is refused, not stored.
    release({ status: 503, text: "" });
    const refused = await crossBorder;
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { code: string }).code).toBe("routing.recipient-unknown");
    tap.restore();
  });
});
