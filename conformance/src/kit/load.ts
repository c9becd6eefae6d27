import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { SignedTrustList, Types } from "@frx/spec";
import { KIT_FILES, type KitManifest, type KitSecrets } from "./files.js";

/** A kit folder, read back for a run. */
export interface Kit {
  dir: string;
  manifest: KitManifest;
  secrets: KitSecrets;
  genesis: SignedTrustList;
  /** The genesis payload (the list the harness believes in). */
  trustList: Types.TrustList;
  peerMembers: Types.TrustListMember[];
}

/** @example const kit = await loadKit("kit") */
export async function loadKit(dir: string): Promise<Kit> {
  const read = async <T>(name: string): Promise<T> =>
    JSON.parse(await readFile(join(dir, name), "utf8")) as T;
  const manifest = await read<KitManifest>(KIT_FILES.manifest);
  const genesis = await read<SignedTrustList>(KIT_FILES.genesis);
  // The proposal as the harness signed it; the node's own signature is added by its operator.
  const list = JSON.parse(
    Buffer.from(genesis.payload, "base64url").toString("utf8"),
  ) as Types.TrustList;
  return {
    dir,
    manifest,
    secrets: await read<KitSecrets>(KIT_FILES.secrets),
    genesis,
    trustList: list,
    peerMembers: await read<Types.TrustListMember[]>(KIT_FILES.peerMembers),
  };
}
