import { createSigner, signNodeDocument, type Types } from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Cluster, type Member } from "./cluster.js";
import { payloadOf, tapPeers } from "./taps.js";

let cluster: Cluster;
let th: Member;
let la: Member;
beforeEach(async () => {
  cluster = await Cluster.start(["TH", "LA"]);
  th = cluster.get("TH");
  la = cluster.get("LA");
});
afterEach(async () => cluster.close());

describe("a peer's directory", () => {
  it("FRX-FED-069: is refused when it lists agencies of another node, and the previous one is kept", async () => {
    const peers = th.node.ctx.peers;
    await peers.refresh("LA");
    const before = await peers.signed("LA");
    const tap = tapPeers(th, async (call, real) => {
      const answer = await real();
      if (!call.url.endsWith("/directory")) return answer;
      const directory = payloadOf<Types.Directory>(
        (JSON.parse(answer.text) as { jws: string }).jws,
      );
      const forged: Types.Directory = {
        ...directory,
        issuedAt: new Date(Date.parse(directory.issuedAt) + 1000).toISOString(),
        // LA lists TH's labour inspectorate, with a key LA holds.
        participants: [
          ...directory.participants,
          { ...directory.participants[0]!, id: "TH:DOE", name: "Not the Thai DOE" },
        ],
      };
      const jws = signNodeDocument(
        forged as unknown as Record<string, unknown>,
        "frx-directory+jws",
        "documents/directory.json",
        createSigner(la.keys.signing),
      );
      return { ...answer, text: JSON.stringify({ jws, directory: forged }) };
    });
    await peers.refresh("LA");
    tap.restore();
    expect((await peers.signed("LA"))?.jws).toBe(before?.jws);
    expect(th.logger.lines.some((l) => l.event === "peer.directory-refused")).toBe(true);
    // Nor is it passed on to TH's agencies.
    const res = await th.as("TH:DOE", "/v1/directories/LA");
    const served = (await res.json()) as { jws?: string; directory?: Types.Directory };
    expect(JSON.stringify(served)).not.toContain("TH:DOE");
  });
});
