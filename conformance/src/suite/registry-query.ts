import { check } from "../harness/check.js";
import { eventually } from "../harness/inbox.js";
import type { Harness } from "../harness/harness.js";
import { nodeDocument } from "./discovery.js";
import { section } from "./define.js";

const t = section("agency-api/registry-query", "core");

type Entry = { entryId?: string; entity?: Record<string, Record<string, unknown>> };
type Registry = { query?: { registrationNumber?: string; issuer?: string }; entries?: Entry[] };

/** The registration number and issuer of an entry's legal entity (employer or recruitment agency). */
function identity(entry: Entry): { registrationNumber: string; issuer: string } | undefined {
  const employer = entry.entity?.employer;
  const agency = entry.entity?.recruitmentAgency;
  const number = employer?.registrationNumber ?? agency?.registrationNumber;
  const issuer = employer?.registrationCountry ?? agency?.country;
  return typeof number === "string" && typeof issuer === "string"
    ? { registrationNumber: number, issuer }
    : undefined;
}

/** An entry the labour inspectorate publishes in its own name, and its entity's identity. */
async function published(
  h: Harness,
): Promise<{ id: string; registrationNumber: string; issuer: string }> {
  const base = h.envelope("registry-entry-ok");
  const env = {
    ...base,
    from: h.id("LI"),
    to: [{ participant: h.id("VS") }],
    body: { ...base.body, decision: { ...(base.body.decision as object), authority: h.id("LI") } },
  };
  await h.accepted(h.sign(env));
  const id = String((env.body as Entry).entryId);
  const who = identity(env.body as Entry);
  check(who, "the registry-entry fixture names no registration number and issuer");
  await eventually(
    async () =>
      (
        await nodeDocument<Registry>(h, "/v1/registry", "registry", "frx-registry+jws")
      ).entries?.some((e) => e.entryId === id),
    `registry entry ${id}`,
    5_000,
    100,
  );
  return { id, ...who };
}

const path = (q: Record<string, string>) => `/v1/registry?${new URLSearchParams(q).toString()}`;

export const registryQueryTests = [
  t("FRX-REG-001", async (h) => {
    const { id, registrationNumber, issuer } = await published(h);
    const asked = await nodeDocument<Registry>(
      h,
      path({ registrationNumber, issuer }),
      "registry",
      "frx-registry+jws",
    );
    check(
      asked.query?.registrationNumber === registrationNumber && asked.query.issuer === issuer,
      `the signed answer does not carry the query: ${JSON.stringify(asked.query)}`,
    );
    check(
      asked.entries?.some((e) => e.entryId === id),
      `entry ${id} is missing from the answer`,
    );
    const stray = (asked.entries ?? []).filter((e) => {
      const who = identity(e);
      return who?.registrationNumber !== registrationNumber || who.issuer !== issuer;
    });
    check(stray.length === 0, `the answer lists ${stray.length} entries about other entities`);
    const other = await nodeDocument<Registry>(
      h,
      path({ registrationNumber: `${registrationNumber}9`, issuer }),
      "registry",
      "frx-registry+jws",
    );
    check(
      !(other.entries ?? []).some((e) => e.entryId === id),
      "an entry is listed for another registration number",
    );
  }),
  t("FRX-REG-002", async (h) => {
    for (const query of [
      "issuer=TH",
      "registrationNumber=0105559087712",
      "registrationNumber=0105559087712&issuer=th",
      "registrationNumber=0105559087712&issuer=TH&issuer=LA",
      "registrationNumber=0105559087712&issuer=TH&status=published",
      `registrationNumber=${"1".repeat(65)}&issuer=TH`,
    ])
      h.problem(await h.call("GET", `/v1/registry?${query}`), "request.malformed");
  }),
  t("FRX-REG-003", async (h) => {
    const q = "registrationNumber=0105559087712&issuer=TH";
    h.problem(await h.call("GET", `/v1/registry/lookup?${q}`), "auth.token-missing");
    h.problem(
      await h.call("GET", `/v1/registry/lookup?${q}`, {
        headers: { authorization: "Bearer not.a.token" },
      }),
      "auth.token-invalid",
    );
  }),
  t("FRX-REG-004", async (h) => {
    const { registrationNumber, issuer } = await published(h);
    const reply = await h.call(
      "GET",
      `/v1/registry/lookup?${new URLSearchParams({ registrationNumber, issuer }).toString()}`,
      { as: "LI" },
    );
    check(reply.status === 200, `the lookup answered ${reply.status}: ${reply.text.slice(0, 300)}`);
    const results = reply.json<{ results?: Array<{ node?: string; status?: string }> }>().results;
    check(Array.isArray(results), "the lookup carries no results");
    const own = results.find((r) => r.node === h.node.id);
    check(own?.status === "answered", `the node's own result is ${JSON.stringify(own)}`);
    // Every member of the list the node says it holds, the node itself included.
    const served = await h.call("GET", "/v1/trust-list");
    const payload =
      served.status === 200
        ? served.json<{ trustList?: { payload?: string } }>().trustList?.payload
        : undefined;
    const federation =
      typeof payload === "string"
        ? (
            JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
              members: Array<{ node: string }>;
            }
          ).members.map((m) => m.node)
        : [h.node.id];
    const missing = federation.filter((n) => !results.some((r) => r.node === n));
    check(missing.length === 0, `the lookup leaves out ${missing.join(", ")}`);
  }),
];
