import { createHash } from "node:crypto";
import { createSigner, generateSigningKey } from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { registerParticipant } from "../src/index.js";
import { fixture, thaiNode, type TestNode } from "./harness.js";

let t: TestNode;
beforeEach(async () => {
  t = await thaiNode();
  // Labour inspectorate and victim services in one ministry, as LA:MOLSW and KH:MOLVT are.
  const { privateJwk, publicJwk } = generateSigningKey();
  await registerParticipant(t.node.ctx, {
    id: "TH:MIN",
    name: "Ministry of labour and social welfare",
    roles: ["labour_inspectorate", "victim_services"],
    orgType: "CentralGovernmentOrganisation",
    publicJwk,
  });
  t.agencies.set("TH:MIN", { id: "TH:MIN", privateJwk, signer: createSigner(privateJwk) });
});
afterEach(async () => t.node.close());

const problem = async (res: Response) => ({
  status: res.status,
  code: ((await res.json()) as { code: string }).code,
});

describe("finding 5 (issue 11): the firewall holds by capacity and for evidence", () => {
  it("refuses a passport number to a multi-role ministry named by id (FRX-POL-037)", async () => {
    const env = fixture("referral.create");
    (env.body.persons as Array<Record<string, unknown>>)[0]!.immigration = {
      passportNumber: "LA1234567",
    };
    env.to = [{ participant: "TH:MIN" }];
    expect(await problem(await t.submit(t.sign(env)))).toEqual({
      status: 422,
      code: "policy.firewall",
    });
  });

  it("refuses a worker's statement to an immigration unit, which then cannot download the file (FRX-POL-038)", async () => {
    const bytes = Buffer.from("Statement of a deckhand: name, passport LA1234567, visa expired.");
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const put = await t.as("TH:DOE", `/v1/attachments/${sha256}`, {
      method: "PUT",
      headers: { "content-type": "application/pdf" },
      body: bytes,
    });
    expect(put.status).toBe(201);
    const env = fixture("evidence.provide");
    env.to = [{ participant: "TH:IMB" }];
    const items = env.body.items as Array<Record<string, unknown>>;
    env.body.items = [{ ...items[0], kind: "worker_statement", sha256, size: bytes.length }];
    env.attachments = [{ sha256, mediaType: "application/pdf", size: bytes.length }];
    expect(await problem(await t.submit(t.sign(env)))).toEqual({
      status: 422,
      code: "policy.immigration-recipient",
    });
    expect(await problem(await t.as("TH:IMB", `/v1/attachments/${sha256}`))).toEqual({
      status: 404,
      code: "attachment.not-found",
    });
  });
});
