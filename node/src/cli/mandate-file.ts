import { readFile } from "node:fs/promises";
import { CliError } from "./io.js";

/** What a mandate file holds: an agency's sanction regimes and procedures (documents/directory.json). */
export interface MandateFile {
  sanctionRegimes?: unknown;
  procedures?: unknown;
}

/**
 * Reads `--mandate FILE`: a JSON object with `sanctionRegimes` (a list of `{kind,
 * legalReference, maxPenalty?}`) and/or `procedures` (`{channels, contactPoints, languages,
 * responseTimes}`). Only the members it names are sent; the node checks them against the
 * directory's schema and the agency's powers (FRX-FED-072, FRX-FED-086).
 *
 * @example const mandate = await readMandateFile("doe-mandate.json")
 */
export async function readMandateFile(file: string): Promise<MandateFile> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new CliError(`cannot read a mandate from ${file}: ${(error as Error).message}`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new CliError(`${file} does not hold a JSON object`);
  const extra = Object.keys(raw).filter((k) => k !== "sanctionRegimes" && k !== "procedures");
  if (extra.length > 0)
    throw new CliError(
      `${file} may hold sanctionRegimes and procedures only, not ${extra.slice(0, 3).join(", ")}`,
    );
  const { sanctionRegimes, procedures } = raw as MandateFile;
  return {
    ...(sanctionRegimes !== undefined ? { sanctionRegimes } : {}),
    ...(procedures !== undefined ? { procedures } : {}),
  };
}

/** The usage lines of `--mandate`. */
export const MANDATE_USAGE = `  --mandate FILE            a JSON object with the agency's sanctionRegimes ([{kind, legalReference,
                            maxPenalty?}]) and procedures ({channels, contactPoints, languages,
                            responseTimes}), published in the directory (FRX-FED-085)`;
