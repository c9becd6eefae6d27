import { afterEach, describe, expect, it } from "vitest";
import { readFile, writeFile } from "node:fs/promises";
import { type Types } from "@frx/spec";
import { cli, removeTempDirs } from "./helpers.js";
import {
  COUNTRIES,
  ok,
  refused,
  initCountry,
  memberFile,
  newFile,
  readJson,
  payloadOf,
  tamper,
  showJson,
  federation,
  proposeNext,
} from "./trust-steps.js";

afterEach(removeTempDirs);

describe("frx-node trust: later versions", () => {
  it("a version 2 suspending KH, signed by TH and LA, applies on every node", async () => {
    const f = await federation();
    const v2 = await proposeNext(f, "--suspend", "KH");
    const list = await payloadOf(v2);
    expect(list).toMatchObject({ version: 2, previousDigest: f.digest, quorum: 2 });
    expect(list.members.map((m) => [m.node, m.status])).toEqual([
      ["TH", "active"],
      ["LA", "active"],
      ["KH", "suspended"],
    ]);

    const th = ok(
      await cli("trust", "sign", "--dir", f.dirs.TH, "--in", v2, "--previous", f.genesis),
    );
    expect(th.stdout).toContain("not yet met: version 2 has 1 member signature(s); 2 needed");
    const la = ok(
      await cli("trust", "sign", "--dir", f.dirs.LA, "--in", v2, "--previous", f.genesis),
    );
    expect(la.stdout).toContain("met: signed by LA, TH");

    const v2Digest = ok(await cli("trust", "digest", "--in", v2)).stdout.trim();
    for (const cc of COUNTRIES) {
      const r = ok(await cli("trust", "apply", "--dir", f.dirs[cc], "--in", v2));
      expect(r.stdout).toContain("applied trust list version 2");
      expect(r.stdout).toMatch(/signed by:\s+LA, TH/);
      if (cc === "KH") expect(r.stderr).toContain("this node (KH) is suspended in this list");
      const json = await showJson(f.dirs[cc]);
      expect(json).toMatchObject({ state: "in-force", version: 2, digest: v2Digest });
      expect(json.members!.find((m) => m.node === "KH")!.status).toBe("suspended");
    }
    const show = ok(await cli("trust", "show", "--dir", f.dirs.TH));
    expect(show.stdout).toContain(`previous digest:   ${f.digest}`);
    expect(show.stdout).toMatch(/ {2}KH\s+suspended\s+https:\/\/frx\.kh\.example/);
    expect(show.stdout).toMatch(/quorum:\s+2 of 2 active member/);
  });

  it("a version 2 signed by TH alone is refused with trust.quorum-not-met", async () => {
    const f = await federation();
    const v2 = await proposeNext(f, "--suspend", "KH");
    ok(await cli("trust", "sign", "--dir", f.dirs.TH, "--in", v2));
    const r = await cli("trust", "apply", "--dir", f.dirs.LA, "--in", v2);
    refused(r, "version 2 has 1 member signature(s); 2 needed (trust.quorum-not-met)");
    expect(await showJson(f.dirs.LA)).toMatchObject({ version: 1, digest: f.digest });
  });

  it("a version 2 whose payload was changed after signing is refused", async () => {
    const f = await federation();
    const v2 = await proposeNext(f, "--suspend", "KH");
    ok(await cli("trust", "sign", "--dir", f.dirs.TH, "--in", v2));
    ok(await cli("trust", "sign", "--dir", f.dirs.LA, "--in", v2));
    await tamper(v2, (list) => {
      list.members.find((m) => m.node === "KH")!.status = "active";
    });
    const r = await cli("trust", "apply", "--dir", f.dirs.KH, "--in", v2);
    refused(r, "(jws.signature-invalid)");
    expect(await showJson(f.dirs.KH)).toMatchObject({ version: 1 });

    // A member asked to co-sign the tampered file finds out too, and the file is left alone.
    const before = await readFile(v2, "utf8");
    const sign = await cli(
      "trust",
      "sign",
      "--dir",
      f.dirs.KH,
      "--in",
      v2,
      "--previous",
      f.genesis,
    );
    refused(sign, "(jws.signature-invalid)");
    expect(await readFile(v2, "utf8")).toBe(before);
  });

  it("an expired version still applies (a node catching up needs it) but is flagged", async () => {
    const f = await federation();
    const v2 = await proposeNext(f);
    await tamper(v2, (list) => {
      // The shortest life a list may have: it has expired by the time it is applied.
      list.expiresAt = new Date(Date.parse(list.issuedAt) + 1).toISOString();
    });
    ok(await cli("trust", "sign", "--dir", f.dirs.TH, "--in", v2));
    ok(await cli("trust", "sign", "--dir", f.dirs.LA, "--in", v2));
    const r = ok(await cli("trust", "apply", "--dir", f.dirs.TH, "--in", v2));
    expect(r.stderr).toContain("warning: version 2 expired at");
    const show = ok(await cli("trust", "show", "--dir", f.dirs.TH));
    expect(show.stdout).toContain("trust list version 2: expired");
    expect(show.stdout).toContain("federation is off until a newer version is applied");
  });

  it("propose adds a member, keeps quorum, and records a rotated key as retired", async () => {
    const f = await federation();
    const vn = await initCountry("VN");
    const vnMember = await memberFile(vn);
    // LA's operator re-issues its entry with a new endpoint and (say, after rotation) a new key.
    const la = await readJson<Types.TrustListMember>(f.members.LA);
    const oldKid = la.signingKeys[0]!.jwk.kid;
    const newKey = await readJson<Types.TrustListMember>(await memberFile(vn));
    la.endpoint = "https://frx2.la.example/federation/v1";
    la.signingKeys = [{ ...newKey.signingKeys[0]!, jwk: { ...newKey.signingKeys[0]!.jwk } }];
    // (VN's key reused for brevity: propose must refuse two members sharing one key.)
    await writeFile(f.members.LA, JSON.stringify(la));
    const shared = await cli(
      "trust",
      "propose",
      "--previous",
      f.genesis,
      "--members",
      `${vnMember},${f.members.LA}`,
      "--out",
      await newFile("v2.json"),
    );
    refused(shared, "is listed for more than one member");

    const v2 = await proposeNext(f, "--members", vnMember);
    const list = await payloadOf(v2);
    expect(list.quorum).toBe(2);
    expect(list.members.map((m) => m.node)).toEqual(["TH", "LA", "KH", "VN"]);
    const laKeys = list.members.find((m) => m.node === "LA")!.signingKeys;
    expect(laKeys.map((k) => k.jwk.kid)).toEqual([oldKid]);

    const v2b = await newFile("v2b.json");
    const r = ok(
      await cli(
        "trust",
        "propose",
        "--previous",
        f.genesis,
        "--members",
        f.members.LA,
        "--out",
        v2b,
      ),
    );
    const laNext = (await payloadOf(v2b)).members.find((m) => m.node === "LA")!;
    expect(laNext.endpoint).toBe("https://frx2.la.example/federation/v1");
    expect(laNext.signingKeys.map((k) => [k.jwk.kid, k.status])).toEqual([
      [newKey.signingKeys[0]!.jwk.kid, "current"],
      [oldKid, "retired"],
    ]);
    expect(laNext.signingKeys[1]!.notAfter).toBe((await payloadOf(v2b)).issuedAt);
    expect(r.stdout).toContain("~ LA: endpoint https://frx2.la.example/federation/v1; signing key");
  });

  it("propose refuses nonsense with exit 1 and a clear message, and writes nothing", async () => {
    const f = await federation();
    const all = COUNTRIES.map((cc) => f.members[cc]).join(",");
    const cases: Array<[string[], string]> = [
      [["--members", all, "--quorum", "4"], "quorum 4 is more than the 3 active member(s)"],
      [["--members", `${f.members.TH},${f.members.TH}`], "give TH more than once"],
      [["--previous", f.genesis, "--remove", "TH,LA,KH"], "the list would have no members"],
      [["--previous", f.genesis, "--suspend", "LA,KH"], "quorum 2 is more than the 1 active"],
      [["--previous", f.genesis, "--suspend", "MM"], "MM is not a member of the list"],
      [
        ["--previous", f.genesis, "--members", f.members.KH, "--remove", "KH"],
        "KH has a member file and is to be removed",
      ],
      [["--members", f.genesis], "is not a trust-list member entry"],
    ];
    for (const [argv, message] of cases) {
      const out = await newFile("p.json");
      const r = await cli("trust", "propose", ...argv, "--out", out);
      refused(r, message);
      await expect(readFile(out)).rejects.toThrow(/ENOENT/);
    }

    const usage: Array<[string[], string]> = [
      [[], "--members is required for the genesis list"],
      [["--members", all, "--suspend", "KH"], "give --previous"],
      [["--members", all, "--quorum", "0"], "--quorum must be an integer from 1 to 50"],
      [["--members", all, "--expires-in-days", "x"], "--expires-in-days must be an integer"],
    ];
    for (const [argv, message] of usage) {
      const r = await cli("trust", "propose", ...argv, "--out", await newFile("p.json"));
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    }

    const exists = await cli("trust", "propose", "--members", all, "--out", f.genesis);
    refused(exists, "exists; refusing to overwrite it");

    // A member whose clock runs ahead: its key would not be valid at the list's issuedAt.
    const ahead = await readJson<Types.TrustListMember>(f.members.KH);
    ahead.signingKeys[0]!.notBefore = new Date(Date.now() + 3_600_000)
      .toISOString()
      .replace(/\.\d{3}Z$/, "Z");
    await writeFile(f.members.KH, JSON.stringify(ahead));
    const early = await cli("trust", "propose", "--members", all, "--out", await newFile("p.json"));
    refused(early, "KH's signing key is valid only from");
  });

  it("sign --previous refuses a file that does not follow it", async () => {
    const f = await federation();
    const r = await cli(
      "trust",
      "sign",
      "--dir",
      f.dirs.TH,
      "--in",
      f.genesis,
      "--previous",
      f.genesis,
    );
    refused(r, "does not follow");
    const digest = await cli("trust", "digest", "--in", f.members.TH);
    refused(digest, "is not a trust list file");
  });
});
