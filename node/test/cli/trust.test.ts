import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  canonicalize,
  thumbprint,
  trustListDigest,
  type SignedTrustList,
  type Types,
} from "@frx/spec";
import { afterEach, describe, expect, it } from "vitest";
import type { NodeConfig } from "../../src/config/config.js";
import type { NodeKeys } from "../../src/config/keys.js";
import { cli, dumpStore, removeTempDirs, tempDir, type CliResult } from "./helpers.js";

afterEach(removeTempDirs);

const COUNTRIES = ["TH", "LA", "KH"] as const;
type Country = (typeof COUNTRIES)[number];

function ok(r: CliResult): CliResult {
  expect(r.code, r.stderr).toBe(0);
  return r;
}

/** A refusal: exit 1, nothing on stdout, `message` on stderr. */
function refused(r: CliResult, message: string): void {
  expect(r.code, r.stdout).toBe(1);
  expect(r.stdout).toBe("");
  expect(r.stderr).toContain(message);
}

async function initCountry(cc: string, ...extra: string[]): Promise<string> {
  const dir = join(await tempDir(), cc.toLowerCase());
  const url = `https://frx.${cc.toLowerCase()}.example`;
  ok(await cli("init", "--dir", dir, "--node", cc, "--public-url", url, ...extra));
  return dir;
}

async function memberFile(dir: string): Promise<string> {
  const file = join(await tempDir(), "member.json");
  ok(await cli("trust", "member", "--dir", dir, "--out", file));
  return file;
}

async function newFile(name: string): Promise<string> {
  return join(await tempDir(), name);
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, "utf8")) as T;
}

async function payloadOf(file: string): Promise<Types.TrustList> {
  const signed = await readJson<SignedTrustList>(file);
  return JSON.parse(Buffer.from(signed.payload, "base64url").toString("utf8")) as Types.TrustList;
}

/** Rewrites the list inside FILE, keeping the signatures (which then no longer match). */
async function tamper(file: string, change: (list: Types.TrustList) => void): Promise<void> {
  const signed = await readJson<SignedTrustList>(file);
  const list = await payloadOf(file);
  change(list);
  signed.payload = Buffer.from(canonicalize(list)).toString("base64url");
  await writeFile(file, JSON.stringify(signed));
}

async function pinned(dir: string): Promise<string | null> {
  return (await readJson<NodeConfig>(join(dir, "config.json"))).federation?.genesisDigest ?? null;
}

async function showJson(dir: string): Promise<{
  state: string;
  version?: number;
  digest?: string;
  signedBy?: string[];
  members?: Array<{ node: string; status: string; signingKeys: Array<{ kid: string }> }>;
}> {
  return JSON.parse(ok(await cli("trust", "show", "--dir", dir, "--json")).stdout) as Awaited<
    ReturnType<typeof showJson>
  >;
}

interface Federation {
  dirs: Record<Country, string>;
  members: Record<Country, string>;
  genesis: string;
  digest: string;
}

/** TH, LA and KH initialised, a genesis list proposed by TH, signed by all, pinned by all. */
async function federation(): Promise<Federation> {
  const dirs = {} as Record<Country, string>;
  const members = {} as Record<Country, string>;
  for (const cc of COUNTRIES) {
    dirs[cc] = await initCountry(cc);
    members[cc] = await memberFile(dirs[cc]);
  }
  const genesis = await newFile("genesis.json");
  ok(
    await cli(
      "trust",
      "propose",
      "--members",
      COUNTRIES.map((cc) => members[cc]).join(","),
      "--out",
      genesis,
    ),
  );
  for (const cc of COUNTRIES) ok(await cli("trust", "sign", "--dir", dirs[cc], "--in", genesis));
  for (const cc of COUNTRIES)
    ok(await cli("trust", "apply", "--dir", dirs[cc], "--in", genesis, "--pin"));
  const digest = trustListDigest(await readJson<SignedTrustList>(genesis));
  return { dirs, members, genesis, digest };
}

/** TH proposes version 2 of the federation's list with `extra` flags, unsigned. */
async function proposeNext(f: Federation, ...extra: string[]): Promise<string> {
  const file = await newFile("v2.json");
  ok(await cli("trust", "propose", "--previous", f.genesis, "--out", file, ...extra));
  return file;
}

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
    const dir = await initCountry("TH", "--genesis-digest", f.digest.toUpperCase());
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
