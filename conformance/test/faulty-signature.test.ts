/**
 * Fault (a): a node that accepts any signature. vi.mock replaces @frx/spec for every module
 * this test file's worker loads, the reference node's code included, with a verifyEnvelope
 * that, when the signature does not verify or its key is unknown, accepts the envelope
 * anyway. Nothing in node/ changes.
 */
import { beforeAll, expect, it, vi } from "vitest";
import type { Report } from "../src/index.js";
import { failingAreas, newFailures, runAgainstFaulty } from "./support/faulty.js";

vi.mock("@frx/spec", async (importOriginal) => {
  const spec = await importOriginal<typeof import("@frx/spec")>();
  const lax: typeof spec.verifyEnvelope = async (jws, options) => {
    try {
      return await spec.verifyEnvelope(jws, options);
    } catch (error) {
      if (
        !spec.isFrxError(error, "jws.signature-invalid") &&
        !spec.isFrxError(error, "jws.kid-unknown")
      )
        throw error;
      const parsed = spec.parseCompact(jws, spec.ENVELOPE_TYP);
      const message = spec.validateMessage(spec.parseCanonicalObject(parsed.payload));
      return { message, kid: parsed.header.kid, digest: spec.digestOf(jws), jws };
    }
  };
  // The node verifies through a VerifyPool (run with 0 threads below): the pool verifies laxly too.
  class LaxPool extends spec.VerifyPool {
    override async verify(
      ...[jws, options]: Parameters<InstanceType<typeof spec.VerifyPool>["verify"]>
    ) {
      return lax(jws, { ...options, resolveKey: options.resolveKey ?? options.peekKey });
    }
  }
  return { ...spec, verifyEnvelope: lax, VerifyPool: LaxPool };
});

let report: Report;
beforeAll(async () => {
  // Verification on this thread: vi.mock does not reach the node's verification worker threads.
  report = await runAgainstFaulty({
    configure: (c) => {
      c.verifyThreads = 0;
    },
  });
}, 420_000);

it("fails the node on exactly the tests that need a signature checked", () => {
  // FRX-FED-006: a key only in a directory the node must not take is kid-unknown, which this
  // node accepts anyway.
  expect(newFailures(report)).toEqual([
    "FRX-FED-006",
    "FRX-FED-037",
    "FRX-SIG-007",
    "FRX-SIG-012",
    "FRX-SIG-013",
  ]);
});

it("fails it on nothing outside signature verification", () => {
  expect(failingAreas(report)).toEqual([
    "federation/directory-cache",
    "federation/inbound",
    "signing",
  ]);
});
