import { afterEach, describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { thumbprint, type SignedTrustList, type Types } from "@frx/spec";
import { type NodeKeys } from "../../src/config/keys.js";
import { cli, dumpStore, removeTempDirs } from "./helpers.js";
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
  pinned,
  showJson,
  federation,
  type Country,
} from "./trust-steps.js";

afterEach(removeTempDirs);

describe("frx-node trust: genesis", () => {
  it("member prints this node's entry: id, name, endpoint, current signing key, X25519 key", async () => {
    const dir = await initCountry("TH", "--name", "Thai national node");
    const before = new Date(Math.floor(Date.now() / 1000) * 1000);
    const r = ok(await cli("trust", "member", "--dir", dir));
    const entry = JSON.parse(r.stdout) as Types.TrustListMember;
    const keys = await readJson<NodeKeys>(join(dir, "node-keys.json"));
    expect(entry).toMatchObject({
      node: "TH",
      name: "Thai national node",
      endpoint: "https://frx.th.example/federation/v1",
      status: "active",
      signingKeys: [
        {
          status: "current",
          jwk: { kty: "OKP", crv: "Ed25519", x: keys.signing.x, kid: thumbprint(keys.signing) },
        },
      ],
      encryptionKey: { kty: "OKP", crv: "X25519", x: keys.encryption.x },
    });
    expect(Date.parse(entry.signingKeys[0]!.notBefore)).toBeGreaterThanOrEqual(before.getTime());
    expect(r.stdout).not.toContain(keys.signing.d);
    expect(r.stdout).not.toContain(keys.encryption.d);

    const other = ok(
      await cli("trust", "member", "--dir", dir, "--endpoint", "https://peer.th.example/fed/"),
    );
    expect(JSON.parse(other.stdout)).toMatchObject({ endpoint: "https://peer.th.example/fed" });
    const bad = await cli("trust", "member", "--dir", dir, "--endpoint", "ftp://x");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--endpoint must be an http(s) URL");
  });

  it("three nodes propose, sign and pin a genesis list; show reports version 1 in force", async () => {
    const dirs = {} as Record<Country, string>;
    const members: string[] = [];
    for (const cc of COUNTRIES) {
      dirs[cc] = await initCountry(cc);
      members.push(await memberFile(dirs[cc]));
    }
    const genesis = await newFile("genesis.json");
    const proposed = ok(
      await cli("trust", "propose", "--members", members.join(","), "--out", genesis),
    );
    expect(proposed.stdout).toContain("proposed trust list version 1 (genesis)");
    expect(proposed.stdout).toMatch(/quorum:\s+2 of 3 active member/);
    const list = await payloadOf(genesis);
    expect(list).toMatchObject({ frx: "1", version: 1, quorum: 2 });
    expect(list.previousDigest).toBeUndefined();
    expect(list.members.map((m) => m.node)).toEqual(["TH", "LA", "KH"]);
    const days = (Date.parse(list.expiresAt) - Date.parse(list.issuedAt)) / 86_400_000;
    expect(days).toBe(365);
    expect((await readJson<SignedTrustList>(genesis)).signatures).toEqual([]);

    // The digest covers the list, not the signatures: it stays the same while members sign.
    const digest = ok(await cli("trust", "digest", "--in", genesis)).stdout.trim();
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(proposed.stdout).toContain(digest);

    const th = ok(await cli("trust", "sign", "--dir", dirs.TH, "--in", genesis));
    expect(th.stdout).toMatch(/signatures:\s+1\n/);
    expect(th.stdout).toContain("not yet met: version 1 has 1 member signature(s); 3 needed");
    expect(th.stdout).toContain(digest);
    ok(await cli("trust", "sign", "--dir", dirs.LA, "--in", genesis));
    const kh = ok(await cli("trust", "sign", "--dir", dirs.KH, "--in", genesis));
    expect(kh.stdout).toMatch(/signatures:\s+3\n/);
    expect(kh.stdout).toContain("met: signed by KH, LA, TH");
    expect(ok(await cli("trust", "digest", "--in", genesis)).stdout.trim()).toBe(digest);

    // Signing twice replaces the node's signature rather than adding one.
    const again = ok(await cli("trust", "sign", "--dir", dirs.TH, "--in", genesis));
    expect(again.stdout).toContain("replacing its earlier signature");
    expect((await readJson<SignedTrustList>(genesis)).signatures).toHaveLength(3);

    for (const cc of COUNTRIES) {
      const applied = ok(await cli("trust", "apply", "--dir", dirs[cc], "--in", genesis, "--pin"));
      expect(applied.stdout).toContain("applied trust list version 1 (genesis)");
      expect(applied.stdout).toContain("pinned its digest");
      expect(await pinned(dirs[cc])).toBe(digest);
      const audit = (await dumpStore(dirs[cc])).audit!.map(([, e]) => e as { detail?: string });
      expect(audit.at(-1)?.detail).toBe(`trust list version 1 applied (digest ${digest})`);

      const show = ok(await cli("trust", "show", "--dir", dirs[cc]));
      expect(show.stdout).toContain("trust list version 1 (genesis): in force");
      expect(show.stdout).toContain(digest);
      expect(show.stdout).toMatch(/signed by:\s+KH, LA, TH/);
      expect(show.stdout).toMatch(/ {2}LA\s+active\s+https:\/\/frx\.la\.example\/federation\/v1/);
      const json = await showJson(dirs[cc]);
      expect(json).toMatchObject({ state: "in-force", version: 1, digest });
      expect(json.members!.map((m) => [m.node, m.status])).toEqual([
        ["TH", "active"],
        ["LA", "active"],
        ["KH", "active"],
      ]);
    }

    // Applying the same list again is a no-op, not an error.
    const twice = ok(await cli("trust", "apply", "--dir", dirs.TH, "--in", genesis, "--pin"));
    expect(twice.stdout).toContain("already in force");
  });

  it("show on a node with no list says so (text and JSON)", async () => {
    const dir = await initCountry("TH");
    const r = ok(await cli("trust", "show", "--dir", dir));
    expect(r.stdout).toContain("no trust list is applied at this node: federation is off");
    expect(await showJson(dir)).toEqual({ state: "absent" });
  });

  it("apply without a pinned digest is refused and points to --pin", async () => {
    const f = await federation();
    const fresh = await initCountry("TH");
    const r = await cli("trust", "apply", "--dir", fresh, "--in", f.genesis);
    refused(r, "(trust.quorum-not-met)");
    expect(r.stderr).toContain("no genesis digest is pinned");
    expect(r.stderr).toContain("--pin");
    expect((await showJson(fresh)).state).toBe("absent");
  });

  it("init --genesis-digest pins the digest, so apply needs no --pin", async () => {
    const f = await federation();
    // A node not in the list: a fresh TH with other keys would be refused as not TH (FRX-TRUST-029).
    const dir = await initCountry("VN", "--genesis-digest", f.digest.toUpperCase());
    expect(await pinned(dir)).toBe(f.digest);
    ok(await cli("trust", "apply", "--dir", dir, "--in", f.genesis));
    expect(await showJson(dir)).toMatchObject({ state: "in-force", version: 1 });

    const bad = await cli(
      "init",
      "--dir",
      await newFile("x"),
      "--node",
      "TH",
      "--genesis-digest",
      "abc",
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--genesis-digest must be a SHA-256 digest");
  });

  it("a genesis list not signed by every member is refused and nothing is pinned", async () => {
    const dirs = {} as Record<Country, string>;
    const members: string[] = [];
    for (const cc of COUNTRIES) {
      dirs[cc] = await initCountry(cc);
      members.push(await memberFile(dirs[cc]));
    }
    const genesis = await newFile("genesis.json");
    ok(await cli("trust", "propose", "--members", members.join(","), "--out", genesis));
    ok(await cli("trust", "sign", "--dir", dirs.TH, "--in", genesis));
    ok(await cli("trust", "sign", "--dir", dirs.LA, "--in", genesis));
    const r = await cli("trust", "apply", "--dir", dirs.TH, "--in", genesis, "--pin");
    refused(r, "version 1 has 2 member signature(s); 3 needed (trust.quorum-not-met)");
    expect(await pinned(dirs.TH)).toBeNull();
    expect((await showJson(dirs.TH)).state).toBe("absent");
  });

  it("apply --pin with a different genesis than the pinned one is refused", async () => {
    const f = await federation();
    const other = await newFile("other-genesis.json");
    ok(
      await cli(
        "trust",
        "propose",
        "--members",
        COUNTRIES.map((cc) => f.members[cc]).join(","),
        "--out",
        other,
        "--expires-in-days",
        "30",
      ),
    );
    for (const cc of COUNTRIES) ok(await cli("trust", "sign", "--dir", f.dirs[cc], "--in", other));
    const r = await cli("trust", "apply", "--dir", f.dirs.TH, "--in", other, "--pin");
    refused(r, `this node has pinned genesis digest ${f.digest}`);
    expect(r.stderr).toContain("refusing to change the pin");
    expect(await pinned(f.dirs.TH)).toBe(f.digest);
    expect(await showJson(f.dirs.TH)).toMatchObject({ version: 1, digest: f.digest });
  });

  it("a tampered genesis list is refused before anything is pinned", async () => {
    const f = await federation();
    const fresh = await initCountry("TH");
    await tamper(f.genesis, (list) => {
      list.quorum = 1;
    });
    const r = await cli("trust", "apply", "--dir", fresh, "--in", f.genesis, "--pin");
    refused(r, "does not verify (jws.signature-invalid)");
    expect(await pinned(fresh)).toBeNull();
  });

  it("sign refuses a node that is not a member, which would void the list", async () => {
    const f = await federation();
    const outsider = await initCountry("MM");
    const before = await readFile(f.genesis, "utf8");
    const r = await cli("trust", "sign", "--dir", outsider, "--in", f.genesis);
    refused(r, "this node (MM, key");
    expect(r.stderr).toContain("is not an active member of this genesis list");
    expect(await readFile(f.genesis, "utf8")).toBe(before);
  });

  it("show says a list expires soon", async () => {
    const dir = await initCountry("TH");
    const genesis = await newFile("genesis.json");
    const member = await memberFile(dir);
    ok(
      await cli(
        "trust",
        "propose",
        "--members",
        member,
        "--out",
        genesis,
        "--expires-in-days",
        "7",
      ),
    );
    ok(await cli("trust", "sign", "--dir", dir, "--in", genesis));
    ok(await cli("trust", "apply", "--dir", dir, "--in", genesis, "--pin"));
    const r = ok(await cli("trust", "show", "--dir", dir));
    expect(r.stdout).toContain("trust list version 1 (genesis): expiring");
    expect(r.stdout).toMatch(/in 6 day\(s\): expiring, apply a newer version soon/);
    expect((await showJson(dir)).state).toBe("expiring");
  });
});
