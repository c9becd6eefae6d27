import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ulid } from "./ulid.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/", import.meta.url));
const cache = new Map<string, string>();

/** An envelope before signing; tests change members freely to break one rule. */
export type Envelope = Record<string, unknown> & {
  id: string;
  type: string;
  from: string;
  to: Array<Record<string, string>>;
  body: Record<string, unknown>;
  case?: string;
  referral?: string;
  sequence?: number;
  sentAt: string;
  expiresAt: string;
};

/** What the `{{NAME}}` placeholders of a fixture stand for. */
export type FixtureValues = Record<string, string>;

/** The names of the fixture files (`fixtures/<name>.json`), each ending in -ok or -fail. */
export function fixtureText(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(`${FIXTURES}${name}.json`, "utf8");
    cache.set(name, text);
  }
  return text;
}

/**
 * Builds an envelope from a fixture template: placeholders replaced, a fresh `id`, `sentAt`
 * now and `expiresAt` in a day, then `overrides` merged on top (undefined deletes a member).
 *
 * @example build("referral-create-ok", values, { referral: r, sequence: 1 })
 */
export function build(
  name: string,
  values: FixtureValues,
  overrides: Record<string, unknown> = {},
): Envelope {
  const text = fixtureText(name).replace(/\{\{([A-Z_]+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new TypeError(`fixture ${name} needs a value for {{${key}}}`);
    return value;
  });
  const now = Date.now();
  const envelope = {
    frx: "1",
    id: ulid(now),
    ...(JSON.parse(text) as Record<string, unknown>),
    sentAt: new Date(now).toISOString(),
    expiresAt: new Date(now + 86_400_000).toISOString(),
  } as Record<string, unknown>;
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete envelope[k];
    else envelope[k] = v;
  }
  return envelope as Envelope;
}
