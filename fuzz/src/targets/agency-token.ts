import * as fc from "fast-check";
import { SignJWT } from "jose";
import { fuzzNode } from "../node-harness.js";
import { FIXTURE_NOW, signerOf, testKeys } from "../seeds.js";
import { expectAnswer } from "../oracles.js";
import { fail, type FuzzTarget } from "../target.js";

interface Input {
  iss: string;
  signer: string;
  typ: string;
  aud: string | string[] | null;
  iat: number | string | null;
  lifetime: number | null;
  jti: string | null;
  scheme: string;
}

const NOW = Math.floor(FIXTURE_NOW.getTime() / 1000);
const SKEW = 300;
const MAX_LIFETIME = 300;

/**
 * Agency tokens on an authenticated route, with claims generated around every boundary (iat
 * ahead of and behind the clock, lifetimes around the 5-minute maximum, audiences that are
 * arrays or another node, replayed jti, keys of another participant, wrong typ). Oracle: an
 * independent model of the token rules (FRX-SIG, issue 11 finding 8) predicts acceptance, and
 * the node agrees; every refusal is a coded 401/403.
 */
export async function agencyTokenTarget(): Promise<FuzzTarget<Input>> {
  const n = await fuzzNode();
  const ids = testKeys.participants.map((p) => p.id);
  const thai = testKeys.participants.filter((p) => p.node === "TH").map((p) => p.id);
  const used = new Set<string>();
  const anything: fc.Arbitrary<Input> = fc.record({
    iss: fc.constantFrom(...ids, "TH:NOBODY"),
    signer: fc.constantFrom("iss", "iss", "iss", ...ids, "outsider"),
    typ: fc.constantFrom("frx-agency+jwt", "frx-agency+jwt", "JWT", "frx-envelope+jws"),
    aud: fc.constantFrom<Input["aud"]>("TH", "TH", "TH", "LA", "", ["TH"], ["TH", "LA"], null),
    iat: fc.oneof(
      fc.integer({ min: -2 * SKEW, max: 2 * SKEW }).map((d) => NOW + d),
      fc.constantFrom<Input["iat"]>(NOW + SKEW, NOW + SKEW + 1, NOW + 365 * 86400, 1e20, "1", null),
    ),
    lifetime: fc.oneof(
      fc.integer({ min: -5, max: MAX_LIFETIME + 5 }),
      fc.constantFrom<Input["lifetime"]>(1, MAX_LIFETIME, MAX_LIFETIME + 1, 1e20, null),
    ),
    jti: fc.oneof(fc.uuid(), fc.constantFrom<Input["jti"]>("replayed-jti", null)),
    scheme: fc.constantFrom("Bearer ", "Bearer ", "bearer ", "Basic ", ""),
  });
  // A valid token, so that acceptance is examined too, and the same with one claim broken.
  const valid: fc.Arbitrary<Input> = fc.record({
    iss: fc.constantFrom(...thai),
    signer: fc.constant("iss"),
    typ: fc.constant("frx-agency+jwt"),
    aud: fc.constant("TH"),
    iat: fc.integer({ min: -SKEW + MAX_LIFETIME, max: SKEW }).map((d) => NOW + d),
    lifetime: fc.integer({ min: 1, max: MAX_LIFETIME }),
    jti: fc.oneof(fc.uuid(), fc.constant("replayed-jti")),
    scheme: fc.constant("Bearer "),
  });
  const oneBroken = fc
    .tuple(
      valid,
      anything,
      fc.constantFrom<keyof Input>(
        "iss",
        "signer",
        "typ",
        "aud",
        "iat",
        "lifetime",
        "jti",
        "scheme",
      ),
    )
    .map(([v, a, key]) => ({ ...v, [key]: a[key] }));
  const arbitrary = fc.oneof(valid, oneBroken, anything);

  function expected(i: Input): boolean {
    const signer = i.signer === "iss" ? i.iss : i.signer;
    if (i.scheme !== "Bearer " || i.typ !== "frx-agency+jwt") return false;
    if (!thai.includes(i.iss) || signer !== i.iss) return false;
    if (i.aud !== "TH" || typeof i.iat !== "number" || i.lifetime === null || i.jti === null)
      return false;
    const exp = i.iat + i.lifetime;
    if (i.iat > NOW + SKEW || exp < NOW - SKEW || exp <= NOW - SKEW) return false;
    if (i.lifetime <= 0 || i.lifetime > MAX_LIFETIME) return false;
    return !used.has(`${i.iss} ${i.jti}`);
  }

  return {
    name: "agency-token",
    surface: "agency tokens (Authorization on every agency API route)",
    arbitrary,
    async check(i) {
      const signer = signerOf(i.signer === "iss" ? i.iss : i.signer);
      const claims: Record<string, unknown> = { iss: i.iss };
      if (i.aud !== null) claims.aud = i.aud;
      if (i.iat !== null) claims.iat = i.iat;
      if (i.iat !== null && i.lifetime !== null && typeof i.iat === "number")
        claims.exp = i.iat + i.lifetime;
      if (i.jti !== null) claims.jti = i.jti;
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: "Ed25519", typ: i.typ, kid: signer.kid })
        .sign(signer.privateKey);
      const want = expected(i);
      const res = await n.request("/v1/inbox?wait=0", {
        headers: { authorization: `${i.scheme}${token}` },
      });
      const { status, code } = await expectAnswer(res);
      if (want && status !== 200) fail(`a valid token was refused: ${code}`);
      if (!want && status === 200)
        fail(`an invalid token was accepted: ${JSON.stringify(claims)} typ ${i.typ}`);
      if (!want && !(code?.startsWith("auth.") || code === "jws.kid-unknown"))
        fail(`token refused with ${code}, not an auth code`);
      if (want) used.add(`${i.iss} ${i.jti}`);
    },
    close: () => n.close(),
  };
}
