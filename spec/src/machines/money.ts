import { FrxError } from "../errors.js";

/** Decimal string → ten-thousandths (the money schema allows four fractional digits). */
export function units(amount: string): bigint {
  const m = /^(-?)(\d{1,15})(?:\.(\d{1,4}))?$/.exec(amount);
  if (!m) throw new FrxError("state.remedy-amount-invalid", `${amount} is not a decimal amount`);
  const v = BigInt(m[2]!) * 10_000n + BigInt((m[3] ?? "").padEnd(4, "0"));
  return m[1] ? -v : v;
}

/** Ten-thousandths → the shortest decimal string. */
export function decimal(v: bigint): string {
  const sign = v < 0n ? "-" : "";
  const a = v < 0n ? -v : v;
  const frac = (a % 10_000n).toString().padStart(4, "0").replace(/0+$/, "");
  return `${sign}${a / 10_000n}${frac ? `.${frac}` : ""}`;
}
