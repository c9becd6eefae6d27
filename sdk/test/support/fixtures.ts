import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { MessageOf, MessageType } from "@frx/spec";
import type { SendInput } from "../../src/index.js";

const specDir = fileURLToPath(new URL("../../../spec/", import.meta.url));

/** A spec fixture envelope (`spec/fixtures/messages/<type>-ok.json`), deep-copied. */
export function fixture<T extends MessageType>(type: T): MessageOf<T> {
  return JSON.parse(
    readFileSync(`${specDir}fixtures/messages/${type}-ok.json`, "utf8"),
  ) as MessageOf<T>;
}

/** A spec test vector's envelope, e.g. `policy/policy.firewall-fail`. */
export function vectorEnvelope(name: string): Record<string, unknown> {
  const vector = JSON.parse(readFileSync(`${specDir}vectors/${name}.json`, "utf8")) as {
    envelope: Record<string, unknown>;
  };
  return vector.envelope;
}

/** What a caller would pass to `send` for an envelope: everything the client does not fill. */
export function inputOf<T extends MessageType>(envelope: object): SendInput<T> {
  const {
    frx: _frx,
    id: _id,
    type: _type,
    from: _from,
    sentAt: _sentAt,
    expiresAt: _expiresAt,
    ...input
  } = envelope as Record<string, unknown>;
  return input as SendInput<T>;
}
