/**
 * Fault (b): a node whose receipts are not signed by the node. The reference node's hono
 * app.fetch is wrapped in a proxy that rewrites every POST /v1/envelopes answer: the
 * receipt's payload is kept, but it is signed again with a key of no node. Nothing in
 * node/ changes.
 */
import { createSigner, generateSigningKey, signCompact } from "@frx/spec";
import { beforeAll, expect, it } from "vitest";
import type { Report } from "../src/index.js";
import { failingAreas, newFailures, runAgainstFaulty } from "./support/faulty.js";

const impostor = createSigner(generateSigningKey().privateJwk);

let report: Report;
beforeAll(async () => {
  report = await runAgainstFaulty({
    wrap:
      (fetch) =>
      async (request, ...rest) => {
        const response = await fetch(request, ...rest);
        const url = new URL(request.url);
        if (request.method !== "POST" || url.pathname !== "/v1/envelopes" || response.status >= 300)
          return response;
        const body = (await response.json()) as { receipt: string };
        const payload = Buffer.from(body.receipt.split(".")[1]!, "base64url");
        body.receipt = signCompact(payload, "frx-receipt+jws", impostor);
        return new Response(JSON.stringify(body), {
          status: response.status,
          headers: response.headers,
        });
      },
  });
}, 420_000);

it("fails the node on the receipt tests", () => {
  expect(newFailures(report)).toEqual(
    expect.arrayContaining(["FRX-RCPT-002", "FRX-RCPT-003", "FRX-SIG-018"]),
  );
});

it("still passes it where no receipt is involved: discovery, signatures, tokens, inbound federation", () => {
  for (const area of ["discovery", "signing", "agency-api/auth", "federation/inbound"])
    expect(failingAreas(report), JSON.stringify(newFailures(report))).not.toContain(area);
});
