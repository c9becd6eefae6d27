import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { assertSignature, importPublicKey, parseCompact, validateDocument } from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nodePublicKeys } from "../src/config/keys.js";
import { fixture, thaiNode, type TestNode } from "./harness.js";

let t: TestNode;
beforeEach(async () => {
  t = await thaiNode();
});
afterEach(async () => t.node.close());

const signedBy = (t: TestNode, jws: string, typ: Parameters<typeof parseCompact>[1]) => {
  const parsed = parseCompact(jws, typ);
  assertSignature(parsed, importPublicKey(nodePublicKeys(t.node.ctx.keys).signing));
  return JSON.parse(Buffer.from(parsed.payload).toString("utf8")) as Record<string, unknown>;
};

describe("public documents, signed by the node", () => {
  it("serves the directory with roles, powers, keys, and no one's personal data", async () => {
    const { directory, jws } = (await (await t.node.app.request("/v1/directory")).json()) as {
      directory: Record<string, unknown>;
      jws: string;
    };
    expect(signedBy(t, jws, "frx-directory+jws")).toEqual(directory);
    expect(() => validateDocument("documents/directory.json", directory)).not.toThrow();
    const imb = (
      directory.participants as Array<{ id: string; immigrationFunctions: boolean }>
    ).find((p) => p.id === "TH:IMB");
    expect(imb?.immigrationFunctions).toBe(true);
  });

  it("publishes a sanction asking for public listing, as legal entity and decision only", async () => {
    const sanction = {
      ...fixture("sanction.notify"),
      from: "TH:DOE-REG",
      to: [{ participant: "TH:DOE" }, { participant: "TH:ATPD" }],
      // A case the regulator opened: only a case's parties name it (FRX-MSG-010).
      case: "TH:DOE-REG:01JNB5X8Q2M3N4P5R6S7T8V9W0",
    };
    expect((await t.submit(t.sign(sanction))).status).toBe(201);
    const { registry, jws } = (await (await t.node.app.request("/v1/registry")).json()) as {
      registry: { entries: Array<Record<string, unknown>> };
      jws: string;
    };
    expect(signedBy(t, jws, "frx-registry+jws")).toEqual(registry);
    expect(registry.entries).toHaveLength(1);
    expect(Object.keys(registry.entries[0]!).sort()).toEqual([
      "decision",
      "entity",
      "entryId",
      "publishedAt",
      "status",
    ]);
    expect(JSON.stringify(registry.entries[0])).not.toMatch(/personRef|complain|pp_/);
  });

  it("serves signed node metadata at /.well-known/frx-node", async () => {
    const { metadata, jws } = (await (
      await t.node.app.request("/.well-known/frx-node")
    ).json()) as { metadata: { node: string }; jws: string };
    expect(signedBy(t, jws, "frx-metadata+jws")).toEqual(metadata);
    expect(metadata.node).toBe("TH");
  });
});

describe("operations", () => {
  it("serves spec/openapi.json (self-contained OpenAPI 3.1) with its own URL as the server", async () => {
    const served = (await (await t.node.app.request("/openapi.json")).json()) as {
      openapi: string;
      servers: Array<{ url: string }>;
    };
    const generated = JSON.parse(
      readFileSync(
        join(dirname(fileURLToPath(import.meta.url)), "../../spec/openapi.json"),
        "utf8",
      ),
    ) as Record<string, unknown>;
    expect(served.openapi).toBe("3.1.0");
    expect(served.servers).toEqual([{ url: t.config.publicUrl }]);
    expect({ ...served, servers: generated.servers }).toEqual(generated);
  });

  it("answers health, readiness and metrics", async () => {
    expect((await t.node.app.request("/healthz")).status).toBe(200);
    expect(await (await t.node.app.request("/readyz")).json()).toEqual({
      status: "ready",
      checks: { keysLoaded: true, storeOpen: true, trustListInForce: true },
      trustList: { state: "absent" },
    });
    await t.submit(t.sign(fixture("referral.create")));
    expect(await (await t.node.app.request("/metrics")).text()).toMatch(
      /frx_envelopes_accepted_total\{type="referral.create"\} 1/,
    );
  });

  it("answers an unknown route with a problem, not HTML", async () => {
    const res = await t.node.app.request("/v1/nothing-here");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(((await res.json()) as { code: string }).code).toBe("request.not-found");
  });

  it("answers an internal fault with a 500 that leaks nothing", async () => {
    const store = t.node.ctx.store as unknown as { range: () => Promise<never> };
    store.range = () => Promise.reject(new Error("disk on fire at /var/lib/frx/secret-path"));
    const res = await t.node.app.request("/v1/registry");
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(JSON.parse(body)).toMatchObject({ code: "internal.error", status: 500 });
    expect(body).not.toMatch(/disk|secret|var\/lib/);
    expect(t.logger.lines.some((l) => l.event === "http.unhandled")).toBe(true);
  });
});

describe("methods", () => {
  it("answers a known route called with another method with 405 and Allow", async () => {
    const res = await t.node.app.request("/v1/envelopes", { method: "GET" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    expect(((await res.json()) as { code: string }).code).toBe("request.method-not-allowed");
    const att = await t.as("TH:DOE", `/v1/attachments/${"a".repeat(64)}`, { method: "DELETE" });
    expect(att.status).toBe(405);
    expect(att.headers.get("allow")).toBe("GET, PUT");
  });
});
