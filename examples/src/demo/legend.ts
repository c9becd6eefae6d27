import { schemaDocuments } from "@frx/spec";
import { CAST } from "../federation/cast.js";

/** The tier code list's descriptions, read from the spec's schema (codes/tier.json). */
function tiers(): Array<{ tier: string; description: string }> {
  const schema = schemaDocuments.find(
    (s) => s.$id === "https://spec.frx.example/v1/schemas/codes/tier.json",
  );
  const branches = (schema?.oneOf ?? []) as Array<{ const?: string; description?: string }>;
  return branches.map((b) => ({ tier: b.const ?? "?", description: b.description ?? "" }));
}

/**
 * What the timeline's codes mean: one line per agency of the cast and per tier.
 *
 * @example process.stdout.write(legend())
 */
export function legend(): string {
  const out = ["", "who is who:"];
  for (const { agencies } of Object.values(CAST))
    for (const a of agencies) out.push(`  ${a.id.padEnd(11)} ${a.name} (${a.roles.join(", ")})`);
  out.push("", "tiers:");
  for (const t of tiers()) out.push(`  ${t.tier}  ${t.description}`);
  return out.join("\n") + "\n";
}

/**
 * Where a running demo node answers: its base URL and the routes an operator looks at first.
 *
 * @example process.stdout.write(nodeUrls("TH", "http://127.0.0.1:7411"))
 */
export function nodeUrls(cc: string, url: string): string {
  const routes = [
    "/healthz",
    "/readyz",
    "/metrics",
    "/openapi.json",
    "/.well-known/frx-node",
    "/v1/directory",
    "/v1/registry",
  ];
  return [`  ${cc}  ${url}`, ...routes.map((r) => `      ${url}${r}`)].join("\n") + "\n";
}
