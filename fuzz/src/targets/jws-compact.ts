import * as fc from "fast-check";
import { isCanonicalBase64url, JWS_ALG, parseCompact } from "@frx/spec";
import { mutateString } from "../mutate.js";
import { messageSeeds, vector } from "../seeds.js";
import { fail, type FuzzTarget } from "../target.js";
import { acceptedOrRefused } from "../oracles.js";

const TYPS = [
  "frx-envelope+jws",
  "frx-receipt+jws",
  "frx-transaction+jws",
  "frx-wake+jws",
] as const;

interface Input {
  jws: string;
  typ: (typeof TYPS)[number];
}

/**
 * The compact JWS parser every signed object goes through. Oracles: a refusal is a `jws.*`
 * code; an accepted JWS has exactly three canonical base64url parts, `alg` Ed25519, the typ
 * asked for and a string kid; and mutating a genuine JWS never yields a different accepted
 * spelling of the same parts.
 */
export function jwsCompactTarget(): Promise<FuzzTarget<Input>> {
  const genuine = messageSeeds()
    .slice(0, 6)
    .map((m) => vector<{ jws: string }>(`envelope/${m.type}-ok.json`).jws);
  const arbitrary = fc.record({
    jws: fc.oneof(
      fc.constantFrom(...genuine).chain((s) => mutateString(s)),
      fc.string({ maxLength: 200 }),
      fc
        .tuple(fc.base64String(), fc.base64String(), fc.base64String())
        .map((parts) => parts.join(".").replace(/\+/g, "-").replace(/\//g, "_")),
    ),
    typ: fc.constantFrom(...TYPS),
  });
  return Promise.resolve({
    name: "jws-compact",
    surface: "JWS compact serialization (every envelope, receipt, transaction and wake)",
    arbitrary,
    async check({ jws, typ }) {
      const r = await acceptedOrRefused(
        () => parseCompact(jws, typ),
        // A signature that is not 64 bytes is refused while parsing, as jws.signature-invalid.
        [
          "jws.malformed",
          "jws.header-invalid",
          "jws.alg-unsupported",
          "jws.typ-invalid",
          "jws.signature-invalid",
        ],
      );
      if (!r.ok) return;
      const parts = jws.split(".");
      if (parts.length !== 3) fail(`accepted a JWS of ${parts.length} parts`);
      if (!parts.every(isCanonicalBase64url)) fail("accepted a non-canonical base64url part");
      const { header } = r.value;
      if (header.alg !== JWS_ALG) fail(`accepted alg ${String(header.alg)}`);
      if (header.typ !== typ) fail(`accepted typ ${String(header.typ)} for ${typ}`);
      if (typeof header.kid !== "string") fail("accepted a header without a string kid");
    },
    close: () => Promise.resolve(),
  });
}
