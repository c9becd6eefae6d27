import { createHash } from "node:crypto";
import * as fc from "fast-check";
import { importPublicKey, publicJwkOf, signEnvelope, verifyReceipt } from "@frx/spec";
import { openEnvelope } from "@frx/node";
import { fuzzNode } from "../node-harness.js";
import { mutateJson } from "../mutate.js";
import { messageSeeds, signerOf, testKeys, type Json } from "../seeds.js";
import { expectAnswer } from "../oracles.js";
import { fail, type FuzzTarget } from "../target.js";

interface Input {
  seed: number;
  envelope: Json;
  signAs: string;
}

/**
 * Envelope submission end to end (POST /v1/envelopes → pipeline → store → receipt) with
 * mutated fixtures signed by registered Thai agencies. Oracles: never a 5xx; refusals are coded
 * problems; an accepted envelope's receipt is signed by the node and echoes the message id and
 * the digest of the bytes sent, and what the node stored is exactly the JWS that was signed.
 */
export async function submitTarget(): Promise<FuzzTarget<Input>> {
  const n = await fuzzNode();
  const nodeKey = { key: importPublicKey(publicJwkOf(n.node.ctx.keys.signing)), owner: "TH" };
  const seeds = messageSeeds().filter((m) => m.from.startsWith("TH:"));
  const thai = testKeys.participants.filter((p) => p.node === "TH").map((p) => p.id);
  const arbitrary = fc.nat({ max: seeds.length - 1 }).chain((seed) =>
    fc.record({
      seed: fc.constant(seed),
      envelope: fc.oneof(
        mutateJson(seeds[seed]!),
        // A fresh id keeps the genuine path (not only idempotent replays) in reach.
        fc.ulid().map((id) => ({ ...seeds[seed]!, id }) as Json),
      ),
      signAs: fc.oneof(fc.constant(seeds[seed]!.from), fc.constantFrom(...thai)),
    }),
  );
  return {
    name: "submit",
    surface: "envelope submission through the whole ingest pipeline",
    arbitrary,
    async check(i) {
      let jws: string;
      try {
        jws = signEnvelope(i.envelope as object, signerOf(i.signAs));
      } catch {
        return; // not encodable as canonical JSON: no sender can sign it
      }
      const res = await n.request("/v1/envelopes", {
        method: "POST",
        headers: { "content-type": "application/jose" },
        body: jws,
      });
      const { status } = await expectAnswer(res);
      if (status !== 201 && status !== 200) return;
      const result = (await res.json()) as { messageId: string; receipt: string };
      const digest = createHash("sha256").update(jws, "ascii").digest("hex");
      const stored = await n.node.ctx.store.get<{ jws: string; digest: string }>(
        "messages",
        result.messageId,
      );
      if (status === 201) {
        await verifyReceipt(
          result.receipt,
          { messageId: result.messageId, digest, node: "TH" },
          () => nodeKey,
        ).catch((e: unknown) => fail(`the receipt does not verify: ${String(e)}`));
        // Stored sealed at rest (FRX-DP-001): what the node's key opens must be the signed bytes.
        const opened = openEnvelope(n.node.ctx.dataKeys, result.messageId, stored?.jws);
        if (opened !== jws) fail("the stored envelope is not the one signed");
      } else if (stored?.digest !== digest) {
        fail("a duplicate answer for bytes that were never stored");
      }
    },
    close: () => n.close(),
  };
}
