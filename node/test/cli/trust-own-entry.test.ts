import { afterEach, describe, expect, it } from "vitest";
import { generateNodeKeys } from "../../src/index.js";
import { thumbprint } from "@frx/spec";
import { cli, removeTempDirs } from "./helpers.js";
import {
  federation,
  initCountry,
  memberFile,
  newFile,
  ok,
  proposeNext,
  refused,
  tamper,
} from "./trust-steps.js";
import type { Types } from "@frx/spec";

afterEach(removeTempDirs);

/** LA's entry given an attacker's encryption key and endpoint. */
function hijack(list: Types.TrustList): void {
  const la = list.members.find((m) => m.node === "LA")!;
  const { x } = generateNodeKeys().encryption;
  la.encryptionKey = { ...la.encryptionKey, x, kid: thumbprint({ kty: "OKP", crv: "X25519", x }) };
  la.endpoint = "https://attacker.example/federation/v1";
}

describe("frx-node trust: a member's own entry (FRX-TRUST-029)", () => {
  it("a version 2 rewriting LA's entry: TH is shown the change, LA refuses to sign or apply it", async () => {
    const f = await federation();
    const v2 = await proposeNext(f);
    await tamper(v2, hijack);

    const th = ok(
      await cli("trust", "sign", "--dir", f.dirs.TH, "--in", v2, "--previous", f.genesis),
    );
    expect(th.stdout).toContain(
      "~ LA: endpoint https://attacker.example/federation/v1; encryption key",
    );

    const la = await cli("trust", "sign", "--dir", f.dirs.LA, "--in", v2, "--previous", f.genesis);
    refused(la, "its entry for this node (LA) is not this node");
    expect(la.stderr).toContain("encryption key");
    expect(la.stderr).toContain(
      "its endpoint https://attacker.example/federation/v1 is not https://frx.la.example/federation/v1",
    );

    // TH and KH meet the quorum of 2 without LA; LA's node still refuses to apply it.
    ok(await cli("trust", "sign", "--dir", f.dirs.KH, "--in", v2, "--previous", f.genesis));
    ok(await cli("trust", "apply", "--dir", f.dirs.TH, "--in", v2));
    refused(
      await cli("trust", "apply", "--dir", f.dirs.LA, "--in", v2),
      "trust.own-entry-mismatch",
    );
  });

  it("at genesis, a member refuses to sign a list whose entry for it is not its own", async () => {
    const th = await initCountry("TH");
    const la = await initCountry("LA");
    const genesis = await newFile("genesis.json");
    ok(
      await cli(
        "trust",
        "propose",
        "--members",
        `${await memberFile(th)},${await memberFile(la)}`,
        "--out",
        genesis,
      ),
    );
    await tamper(genesis, hijack);
    refused(await cli("trust", "sign", "--dir", la, "--in", genesis), "encryption key");
  });

  it("a member moving its endpoint signs with --endpoint naming the new one", async () => {
    const f = await federation();
    const v2 = await proposeNext(f);
    await tamper(v2, (list) => {
      list.members.find((m) => m.node === "LA")!.endpoint = "https://frx2.la.example/federation/v1";
    });
    refused(
      await cli("trust", "sign", "--dir", f.dirs.LA, "--in", v2, "--previous", f.genesis),
      "sign with --endpoint https://frx2.la.example/federation/v1",
    );
    ok(
      await cli(
        "trust",
        "sign",
        "--dir",
        f.dirs.LA,
        "--in",
        v2,
        "--previous",
        f.genesis,
        "--endpoint",
        "https://frx2.la.example/federation/v1",
      ),
    );
  });
});
