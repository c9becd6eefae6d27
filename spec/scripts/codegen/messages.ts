import { pascal } from "./codes.js";
import type { Resolver, SchemaFile } from "./load.js";
import { sensitivePaths } from "./sensitivity.js";

/**
 * Per-message-type metadata (schema id, actions, case/referral rules), the sensitivity map
 * the policy reads, and the type-level map from message type to envelope and body types.
 */
export function renderMessages(files: SchemaFile[], resolver: Resolver, types: string[]): string {
  const messageFiles = new Map(
    files.filter((f) => f.path.startsWith("messages/")).map((f) => [f.path.slice(9, -5), f]),
  );
  for (const type of types) {
    if (!messageFiles.has(type))
      throw new Error(`message type ${type} has no messages/${type}.json`);
  }
  for (const name of messageFiles.keys()) {
    if (!types.includes(name))
      throw new Error(`messages/${name}.json is not in codes/message-type.json`);
  }

  const meta: Record<string, unknown> = {};
  const sensitivity: Record<string, unknown> = {};
  const mapLines: string[] = [];
  for (const type of types) {
    const file = messageFiles.get(type)!;
    const s = file.schema;
    const title = s.title as string;
    if (title !== `${pascal(type)}Message`)
      throw new Error(`messages/${type}.json must be titled ${pascal(type)}Message`);
    const bodyTitle =
      (s.$defs as Record<string, { title?: string }> | undefined)?.body?.title ?? null;
    if (bodyTitle !== `${pascal(type)}Body`)
      throw new Error(`messages/${type}.json: $defs.body must be titled ${pascal(type)}Body`);
    meta[type] = {
      schemaId: file.id,
      title,
      actions: s["x-frx-actions"] ?? [],
      case: s["x-frx-case"] ?? "optional",
      referral: s["x-frx-referral"] ?? "optional",
      sender: s["x-frx-sender"] ?? "agency",
    };
    sensitivity[type] = sensitivePaths(s, file.id, resolver);
    mapLines.push(`  ${JSON.stringify(type)}: { message: T.${title}; body: T.${bodyTitle} };`);
  }

  return [
    'import type { MessageType, Sensitivity } from "./codes.js";',
    'import type * as T from "./types.js";',
    "",
    "export interface MessageMeta {",
    "  schemaId: string;",
    "  title: string;",
    "  /** The seed's actions (1-9) this message serves. */",
    "  actions: readonly number[];",
    '  case: "required" | "none" | "optional";',
    '  referral: "required" | "optional";',
    "  /** Who may send it: agencies, or only a node (as <CC>:NODE). */",
    '  sender: "agency" | "node";',
    "}",
    "",
    "export interface SensitivePath {",
    '  /** Property names from the envelope root; "*" is any array index. */',
    "  path: readonly string[];",
    "  tags: readonly Sensitivity[];",
    "}",
    "",
    `export const messageMeta: Readonly<Record<MessageType, MessageMeta>> = ${JSON.stringify(meta, null, 2)};`,
    "",
    `export const sensitivityMap: Readonly<Record<MessageType, readonly SensitivePath[]>> = ${JSON.stringify(sensitivity, null, 2)};`,
    "",
    "/** The notices only a node sends (x-frx-sender: node); agencies send every other type. */",
    `export const nodeMessageTypes = ${JSON.stringify(types.filter((t) => (files.find((f) => f.path === `messages/${t}.json`)!.schema["x-frx-sender"] ?? "agency") === "node"))} as const;`,
    "export type NodeMessageType = (typeof nodeMessageTypes)[number];",
    "export type AgencyMessageType = Exclude<MessageType, NodeMessageType>;",
    "",
    "/** Message type → its envelope and body types. */",
    "export interface MessageTypeMap {",
    ...mapLines,
    "}",
    "",
    'export type MessageOf<K extends MessageType> = MessageTypeMap[K]["message"];',
    'export type BodyOf<K extends MessageType> = MessageTypeMap[K]["body"];',
    "/** Any valid FRX message, discriminated by `type`. */",
    "export type AnyMessage = { [K in MessageType]: MessageOf<K> }[MessageType];",
    "",
  ].join("\n");
}
