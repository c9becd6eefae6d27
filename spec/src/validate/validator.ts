import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { FrxError, type Violation } from "../errors.js";
import { messageTypeValues, type MessageType } from "../generated/codes.js";
import { messageMeta, type AnyMessage } from "../generated/messages.js";
import { schemaDocuments } from "../generated/schemas.js";
import { isInstant } from "../time/instant.js";

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** The FRX annotation keywords, declared so ajv's strict mode accepts them as annotations. */
const ANNOTATIONS = [
  "x-frx-sensitivity",
  "x-frx-actions",
  "x-frx-referral",
  "x-frx-case",
  "x-frx-sender",
];

let ajv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

function instance(): Ajv2020 {
  if (ajv) return ajv;
  ajv = new Ajv2020({
    strict: true,
    // Message files require members (case, referral, sequence) that the envelope declares
    // under allOf; strictRequired would demand they be redeclared in each file.
    strictRequired: false,
    allErrors: true,
    schemas: [...schemaDocuments],
  });
  for (const keyword of ANNOTATIONS) ajv.addKeyword({ keyword, schemaType: ["array", "string"] });
  addFormats(ajv, ["date", "uri"]);
  // FRX's only date-time is the instant (FRX-ENV-031): ajv-formats would let a leap second through.
  ajv.addFormat("date-time", { type: "string", validate: isInstant });
  return ajv;
}

/** A validator for any schema `$id`, compiled on first use and kept. */
export function validatorFor(schemaId: string): ValidateFunction {
  let fn = compiled.get(schemaId);
  if (!fn) {
    fn = instance().getSchema(schemaId);
    if (!fn) throw new TypeError(`no schema with $id ${schemaId}`);
    compiled.set(schemaId, fn);
  }
  return fn;
}

export function isMessageType(value: unknown): value is MessageType {
  return typeof value === "string" && (messageTypeValues as readonly string[]).includes(value);
}

/**
 * Validates an envelope against its message type's schema. Throws `schema.unknown-type` or
 * `schema.invalid` (with one violation per failing JSON pointer).
 *
 * @example const message = validateMessage(JSON.parse(payload));
 */
export function validateMessage(envelope: unknown): AnyMessage {
  const type = (envelope as { type?: unknown } | null)?.type;
  if (!isMessageType(type)) {
    throw new FrxError("schema.unknown-type", `unknown message type ${JSON.stringify(type)}`, [
      { pointer: "/type", code: "schema.unknown-type", message: "not a message type of FRX v1" },
    ]);
  }
  const fn = validatorFor(messageMeta[type].schemaId);
  if (!fn(envelope)) {
    const violations = toViolations(fn.errors ?? []);
    throw new FrxError(
      "schema.invalid",
      `${type} does not match its schema: ${summary(violations)}`,
      violations,
    );
  }
  const meta = messageMeta[type];
  const extra: Violation[] = [];
  const e = envelope as { case?: unknown; referral?: unknown };
  if (meta.case === "none" && e.case !== undefined)
    extra.push({
      pointer: "/case",
      code: "schema.invalid",
      message: `${type} is not about a case and must not name one`,
    });
  if (meta.case === "required" && e.case === undefined)
    extra.push({ pointer: "/case", code: "schema.invalid", message: `${type} must name its case` });
  if (meta.referral === "required" && e.referral === undefined)
    extra.push({
      pointer: "/referral",
      code: "schema.invalid",
      message: `${type} must name its referral`,
    });
  if (extra.length > 0)
    throw new FrxError(
      "schema.invalid",
      `${type} does not match its schema: ${summary(extra)}`,
      extra,
    );
  return envelope as AnyMessage;
}

/** Validates a protocol document (receipt, problem, directory, …) by its schema path. */
export function validateDocument<T>(schemaPath: string, value: unknown): T {
  const fn = validatorFor(`https://spec.frx.example/v1/schemas/${schemaPath}`);
  if (!fn(value)) {
    const violations = toViolations(fn.errors ?? []);
    throw new FrxError("schema.invalid", `${schemaPath}: ${summary(violations)}`, violations);
  }
  return value as T;
}

function toViolations(errors: ErrorObject[]): Violation[] {
  const seen = new Set<string>();
  const out: Violation[] = [];
  for (const error of errors) {
    // oneOf/anyOf report each failed branch and then themselves; the branch errors say more.
    if (error.keyword === "oneOf" || error.keyword === "anyOf" || error.keyword === "if") continue;
    const pointer =
      error.keyword === "additionalProperties"
        ? `${error.instancePath}/${String((error.params as { additionalProperty: string }).additionalProperty)}`
        : error.keyword === "required"
          ? `${error.instancePath}/${String((error.params as { missingProperty: string }).missingProperty)}`
          : error.instancePath;
    const message =
      error.keyword === "additionalProperties"
        ? "unknown member"
        : (error.message ?? error.keyword);
    const key = `${pointer} ${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ pointer: pointer || "", code: "schema.invalid", message });
  }
  return out.slice(0, 200);
}

function summary(violations: Violation[]): string {
  return violations
    .slice(0, 3)
    .map((v) => `${v.pointer || "/"} ${v.message}`)
    .join("; ");
}
