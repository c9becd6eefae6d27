// Runs the minimal agency case system for one agency until SIGINT or SIGTERM:
//
//   FRX_NODE_URL=http://127.0.0.1:7402 FRX_NODE=LA FRX_PARTICIPANT=LA:MOLSW \
//   FRX_KEY_FILE=LA-MOLSW.private.jwk FRX_STATE_FILE=molsw-inbox.json \
//   node examples/dist/agency-system/main.js
//
// The mandate below is the Lao Ministry of Labour and Social Welfare's in the demo cast; an
// agency edits it to say what it takes on.
import { readFile } from "node:fs/promises";
import { createClient, type PrivateJwk } from "@frx/sdk";
import { AgencySystem, type Mandate } from "./agency-system.js";

const MOLSW: Mandate = {
  tracks: ["labour", "remedy"],
  powers: ["workplace_inspection", "victim_protection", "repatriation_assistance"],
  services: ["Repatriation", "Legal", "Interpretation", "Shelter", "SocialCare", "Livelihood"],
};

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
}

const client = createClient({
  nodeUrl: env("FRX_NODE_URL"),
  node: env("FRX_NODE"),
  participant: env("FRX_PARTICIPANT"),
  privateKey: JSON.parse(await readFile(env("FRX_KEY_FILE"), "utf8")) as PrivateJwk,
});
const stop = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => stop.abort());
const system = await AgencySystem.open({
  client,
  stateFile: env("FRX_STATE_FILE"),
  mandate: MOLSW,
  handlerRole: process.env.FRX_HANDLER_ROLE ?? "provincial labour office, referral desk",
});
try {
  await system.run(stop.signal);
} finally {
  await client.close();
}
