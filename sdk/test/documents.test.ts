import { createSigner, generateSigningKey, MessageType } from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixture } from "./support/fixtures.js";
import { createClient } from "../src/index.js";
import { mockNode, NODE_URL, NOW, type MockNode } from "./support/mock-node.js";

let m: MockNode;
beforeEach(() => {
  m = mockNode();
});
afterEach(() => m.agent.close());

const stranger = () => createSigner(generateSigningKey().privateJwk);
const entry = () => fixture(MessageType.RegistryEntry).body;
const registry = (entries: unknown[] = [entry()]) => ({
  frx: "1",
  node: "TH",
  issuedAt: NOW,
  entries,
});
const get = (path: string) => ({ path, method: "GET" }) as const;
const code = (p: Promise<unknown>) =>
  p.then(
    () => "resolved",
    (e: { code?: string }) => e.code,
  );

describe("the node's signed documents", () => {
  it("finds agencies in the verified directory by role, power and accepted type", async () => {
    m.serveDocuments();
    const directory = await m.client().directory();
    expect(directory.node).toBe("TH");
    expect(directory.find({ role: "victim_services" }).map((p) => p.id)).toEqual(["TH:DSDW"]);
    expect(
      directory
        .find({ role: "anti_trafficking_police", accepts: MessageType.CaseNotify })
        .map((p) => p.id),
    ).toEqual(["TH:ATPD", "TH:IMB"]);
    expect(directory.get("TH:IMB")?.immigrationFunctions).toBe(true);
    expect(directory.resolve({ node: "TH", role: "labour_inspectorate" }).map((p) => p.id)).toEqual(
      ["TH:DOE"],
    );
  });

  it("refuses a directory the node's key did not sign", async () => {
    m.serveMetadata();
    const doc = { frx: "1", node: "TH", issuedAt: NOW, participants: [] };
    m.pool
      .intercept(get("/v1/directory"))
      .reply(200, { directory: doc, jws: m.sign(doc, "frx-directory+jws", stranger()) })
      .persist();
    expect(await code(m.client().directory())).toBe("client.response-invalid");
  });

  it("refuses metadata of another node than the one configured", async () => {
    m.serveMetadata();
    const client = createClient({
      nodeUrl: NODE_URL,
      node: "LA",
      participant: "LA:MOLSW",
      privateKey: generateSigningKey().privateJwk,
      dispatcher: m.agent,
    });
    expect(await code(client.nodeMetadata())).toBe("client.response-invalid");
  });

  it("returns the sanctions registry once its signature and every entry verify", async () => {
    m.serveMetadata();
    m.pool
      .intercept(get("/v1/registry"))
      .reply(200, { jws: m.sign(registry(), "frx-registry+jws") });
    const { entries } = await m.client().registry();
    expect(entries.map((e) => e.entryId)).toEqual([entry().entryId]);
  });

  it("refuses a registry signed by another key, or carrying more than a legal entity and a decision", async () => {
    m.serveMetadata();
    m.pool
      .intercept(get("/v1/registry"))
      .reply(200, { jws: m.sign(registry(), "frx-registry+jws", stranger()) });
    expect(await code(m.client().registry())).toBe("client.response-invalid");
    const leaky = { ...entry(), complaint: { complainant: "worker" } };
    m.pool
      .intercept(get("/v1/registry"))
      .reply(200, { jws: m.sign(registry([leaky]), "frx-registry+jws") });
    expect(await code(m.client().registry())).toBe("client.response-invalid");
  });
});
