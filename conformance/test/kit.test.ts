import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createSigner,
  generateSigningKey,
  publicJwkOf,
  signTrustList,
  trustListDigest,
  verifyTrustList,
  type SignedTrustList,
} from "@frx/spec";
import { afterEach, describe, expect, it } from "vitest";
import {
  KIT_FILES,
  KitExists,
  loadKit,
  makeKit,
  type KitManifest,
  type Registration,
} from "../src/index.js";
import { generateNodeKeyPair, memberEntry } from "../src/kit/trust.js";

let dir: string;
afterEach(async () => rm(dir, { recursive: true, force: true }));

const read = async <T>(name: string) => JSON.parse(await readFile(join(dir, name), "utf8")) as T;

describe("frx-conformance kit", () => {
  it("writes the agencies' registration file and the frx-node commands that register them", async () => {
    dir = await mkdtemp(join(tmpdir(), "frx-kit-"));
    await makeKit({ out: dir, nodeId: "LA" });
    const reg = await read<Registration[]>(KIT_FILES.registration);
    expect(reg.map((r) => r.id)).toEqual([
      "LA:CONF-LI",
      "LA:CONF-VS",
      "LA:CONF-POL",
      "LA:CONF-IMM",
      "LA:CONF-OFF",
    ]);
    expect(reg.find((r) => r.id === "LA:CONF-IMM")).toMatchObject({
      orgType: "ImmigrationService",
      immigrationFunctions: true,
    });
    expect(reg.every((r) => !("d" in r.publicJwk))).toBe(true);
    const script = await readFile(join(dir, KIT_FILES.script), "utf8");
    expect(script.match(/agency add/g)).toHaveLength(5);
    expect(script).toContain("--immigration-functions");
    expect(script).toContain('agency disable --dir "$DIR" --id LA:CONF-OFF');
    expect((await stat(join(dir, KIT_FILES.secrets))).mode & 0o777).toBe(0o600);
    const op = await readFile(join(dir, KIT_FILES.operatorScript), "utf8");
    expect(op).toContain('apply-trust-list) exec $FRX_NODE trust apply --dir "$DIR" --in "$1"');
    expect(op).toContain('sign-trust-list) exec $FRX_NODE trust sign --dir "$DIR" --in "$1"');
    const overrides = await read<{ slaOverrides: unknown; federation: { backoffCapMs: number } }>(
      KIT_FILES.overrides,
    );
    expect(overrides.federation.backoffCapMs).toBeLessThanOrEqual(1000);
    // The metrics token the operator sets is the one the harness holds (FRX-ADM-013).
    const secrets = await read<{ metricsToken?: string }>(KIT_FILES.secrets);
    expect(secrets.metricsToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect((overrides as { metricsToken?: string }).metricsToken).toBe(secrets.metricsToken);
  });

  it("proposes a genesis list that the node's signature completes", async () => {
    dir = await mkdtemp(join(tmpdir(), "frx-kit-"));
    const node = generateNodeKeyPair();
    const member = memberEntry(
      "LA",
      node,
      "http://127.0.0.1:7400/federation/v1",
      "active",
      "2025-01-01T00:00:00Z",
    );
    await makeKit({ out: dir, nodeId: "LA", nodeMember: member, peerUrl: "http://127.0.0.1:7555" });
    const kit = await loadKit(dir);
    expect(kit.trustList.members.map((m) => `${m.node}:${m.status}`)).toEqual([
      "LA:active",
      "XA:active",
      "XB:suspended",
    ]);
    expect(kit.trustList.members[1]!.endpoint).toBe("http://127.0.0.1:7555/federation/v1");
    const proposal = await read<SignedTrustList>(KIT_FILES.genesis);
    const pinnedDigest = trustListDigest(proposal);
    expect(() => verifyTrustList(proposal, { pinnedDigest })).toThrow(/signature/);
    const signed = signTrustList(proposal, createSigner(node.signing));
    expect(verifyTrustList(signed, { pinnedDigest }).signedBy).toEqual(["LA", "XA"]);
    expect(() =>
      signTrustList(proposal, createSigner(generateSigningKey().privateJwk)),
    ).not.toThrow();
  });

  it("names the report key's public JWK in kit.json", async () => {
    dir = await mkdtemp(join(tmpdir(), "frx-kit-"));
    const manifest = await makeKit({ out: dir, nodeId: "LA" });
    const kit = await loadKit(dir);
    const written = await read<KitManifest>(KIT_FILES.manifest);
    expect(written.reportKey).toEqual(publicJwkOf(kit.secrets.report));
    expect(written.reportKey).not.toHaveProperty("d");
    expect(written.reportKid).toBe(written.reportKey.kid);
    expect(manifest.reportKey).toEqual(written.reportKey);
  });

  it("refuses to overwrite a kit already in the folder, unless forced", async () => {
    dir = await mkdtemp(join(tmpdir(), "frx-kit-"));
    await makeKit({ out: dir, nodeId: "LA" });
    const before = await readFile(join(dir, KIT_FILES.secrets), "utf8");
    await expect(makeKit({ out: dir, nodeId: "LA" })).rejects.toThrow(KitExists);
    await expect(makeKit({ out: dir, nodeId: "KH" })).rejects.toThrow(/harness-keys.json.*--force/);
    expect(await readFile(join(dir, KIT_FILES.secrets), "utf8")).toBe(before);
    await makeKit({ out: dir, nodeId: "LA", force: true });
    expect(await readFile(join(dir, KIT_FILES.secrets), "utf8")).not.toBe(before);
  });

  it("refuses a member entry of another node", async () => {
    dir = await mkdtemp(join(tmpdir(), "frx-kit-"));
    const member = memberEntry(
      "KH",
      generateNodeKeyPair(),
      "http://127.0.0.1:1/federation/v1",
      "active",
      "2025-01-01T00:00:00Z",
    );
    await expect(makeKit({ out: dir, nodeId: "LA", nodeMember: member })).rejects.toThrow(/KH/);
  });
});
