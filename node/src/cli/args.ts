import { UsageError } from "./io.js";

/** A `--flag VALUE` (string) or a bare `--flag` (boolean). */
export interface FlagSpec {
  kind: "string" | "boolean";
  required?: boolean;
}
export type FlagSpecs = Record<string, FlagSpec>;

/** The flags a command was given, already checked against its specs. */
export class Flags {
  constructor(private readonly values: ReadonlyMap<string, string | true>) {}

  /** A required string flag (the parser has checked it is there). */
  string(name: string): string {
    const value = this.values.get(name);
    if (typeof value !== "string") throw new TypeError(`--${name} is not a given string flag`);
    return value;
  }

  optional(name: string): string | undefined {
    const value = this.values.get(name);
    return typeof value === "string" ? value : undefined;
  }

  bool(name: string): boolean {
    return this.values.get(name) === true;
  }

  /** A comma-separated list, e.g. `--roles a,b`; undefined when the flag is absent. */
  list(name: string): string[] | undefined {
    const value = this.optional(name);
    if (value === undefined) return undefined;
    return value
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  }

  /** An integer flag within [min, max]. */
  int(name: string, min: number, max: number): number | undefined {
    const value = this.optional(name);
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max)
      throw new UsageError(`--${name} must be an integer from ${min} to ${max}, not ${value}`);
    return n;
  }
}

/** True when the arguments ask for help, wherever `--help` or `-h` stands. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.some((a) => a === "--help" || a === "-h");
}

/**
 * Parses `--name VALUE`, `--name=VALUE` and boolean `--name`. Unknown flags, positional
 * arguments, repeated flags and missing values or required flags are usage errors.
 *
 * @example parseFlags(["--dir", "/srv/frx", "--json"], { dir: { kind: "string", required: true }, json: { kind: "boolean" } })
 */
export function parseFlags(argv: readonly string[], specs: FlagSpecs): Flags {
  const values = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--") || arg === "--") throw new UsageError(`unexpected argument ${arg}`);
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const spec = specs[name];
    if (!spec) throw new UsageError(`unknown flag --${name}`);
    if (values.has(name)) throw new UsageError(`--${name} is given twice`);
    if (spec.kind === "boolean") {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      values.set(name, true);
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith("--")) {
        value = next;
        i++;
      }
    }
    if (value === undefined || value === "") throw new UsageError(`--${name} needs a value`);
    values.set(name, value);
  }
  for (const [name, spec] of Object.entries(specs))
    if (spec.required && !values.has(name)) throw new UsageError(`--${name} is required`);
  return new Flags(values);
}
