import * as fc from "fast-check";
import {
  parseInstant,
  verifyTrustList,
  type SignedTrustList,
  type VerifiedTrustList,
} from "@frx/spec";
import { mutateJson, mutateString } from "../mutate.js";
import { vector, type Json } from "../seeds.js";
import { acceptedOrRefused } from "../oracles.js";
import { fail, type FuzzTarget } from "../target.js";

interface TrustVector {
  now: string;
  pinnedDigest: string;
  trustList: SignedTrustList;
  previous?: SignedTrustList;
}

interface Input {
  which: "genesis" | "next";
  list: Json;
}

/**
 * The quorum-signed trust list and its chain (genesis pinned by digest; the next version signed
 * by a quorum of the previous one), mutated as a document (signatures dropped, duplicated or
 * swapped, members added) and byte by byte (payload and signature strings). Oracles: the
 * genuine lists verify; a refusal is a `trust.*` or `jws.*` code; an accepted list has exactly
 * the genuine payload, so nothing a forger changed can come into force.
 */
export function trustListTarget(): Promise<FuzzTarget<Input>> {
  const genesis = vector<TrustVector>("trust/genesis-ok.json");
  const next = vector<TrustVector>("trust/next-ok.json");
  const now = new Date(parseInstant(genesis.now));
  const pinned = verifyTrustList(genesis.trustList, { pinnedDigest: genesis.pinnedDigest, now });
  const byteMutation = (signed: SignedTrustList): fc.Arbitrary<Json> =>
    fc.oneof(
      mutateString(signed.payload).map((payload) => ({ ...signed, payload }) as unknown as Json),
      fc.nat({ max: signed.signatures.length - 1 }).chain((i) =>
        mutateString(signed.signatures[i]!.signature).map((signature) => {
          const signatures = signed.signatures.map((s, j) => (j === i ? { ...s, signature } : s));
          return { ...signed, signatures } as unknown as Json;
        }),
      ),
    );
  const arbitrary: fc.Arbitrary<Input> = fc.oneof(
    ...(["genesis", "next"] as const).map((which) => {
      const signed = (which === "genesis" ? genesis : next).trustList;
      return fc.record({
        which: fc.constant(which),
        list: fc.oneof(mutateJson(signed as unknown as Json), byteMutation(signed)),
      });
    }),
  );
  const verify = (which: Input["which"], list: unknown): VerifiedTrustList =>
    which === "genesis"
      ? verifyTrustList(list as SignedTrustList, { pinnedDigest: genesis.pinnedDigest, now })
      : verifyTrustList(list as SignedTrustList, { previous: pinned, now });
  verify("next", next.trustList);
  return Promise.resolve({
    name: "trust-list",
    surface: "trust lists and their chain (GET /v1/trust-list of a peer, trust apply)",
    arbitrary,
    async check({ which, list }) {
      const r = await acceptedOrRefused(() => verify(which, list));
      const genuine = (which === "genesis" ? genesis : next).trustList;
      if (!r.ok) {
        if (!/^(trust|jws|schema|envelope)\./.test(r.code)) fail(`refused with ${r.code}`);
        if (JSON.stringify(list) === JSON.stringify(genuine))
          fail(`the genuine ${which} list was refused`);
        return;
      }
      if ((list as { payload?: unknown }).payload !== genuine.payload)
        fail(`a ${which} list with an edited payload came into force`);
    },
    close: () => Promise.resolve(),
  });
}
