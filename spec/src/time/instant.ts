import { FrxError } from "../errors.js";

/**
 * The one grammar of an FRX instant (entities/time.json#/$defs/instant, FRX-ENV-031): an RFC 3339
 * UTC date-time with an upper-case `T` and `Z`, seconds 00 to 59 and at most three fraction
 * digits. A leap second (`:60`) is refused, never normalised: nothing in FRX needs one, and
 * `Date.parse` turns it into NaN, which every comparison then lets through.
 */
const INSTANT =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,3}))?Z$/;

const DAY_MS = 86_400_000;

/**
 * Milliseconds since 1970-01-01T00:00:00Z of an FRX instant, or undefined when `text` is not one
 * (wrong grammar, a month, day, hour, minute or second out of range, a day the month lacks).
 * The result is always a finite integer, so no comparison with it can meet NaN.
 *
 * @example instantMs("2026-03-02T09:45:00.5Z") // 1772444700500
 */
export function instantMs(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  const m = INSTANT.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const fraction = m[7] === undefined ? 0 : Number(m[7].padEnd(3, "0"));
  return (
    daysFromCivil(year, month, day) * DAY_MS +
    ((hour * 60 + minute) * 60 + second) * 1000 +
    fraction
  );
}

/** True when `text` is an FRX instant. @example isInstant("2026-12-31T23:59:60Z") // false */
export function isInstant(text: unknown): text is string {
  return instantMs(text) !== undefined;
}

/**
 * The instant a protocol object names, for comparing with another or with the clock. Every time
 * the protocol reads goes through here; a value that is not an FRX instant is refused with
 * `schema.invalid` at `pointer`, never compared.
 *
 * @example if (parseInstant(message.expiresAt, "/expiresAt") + skewMs < now) refuse()
 */
export function parseInstant(text: unknown, pointer = ""): number {
  const ms = instantMs(text);
  if (ms === undefined) {
    throw new FrxError(
      "schema.invalid",
      `${pointer || "a time"} is not an FRX instant: ${JSON.stringify(text)?.slice(0, 40)}`,
      [
        {
          pointer,
          code: "schema.invalid",
          message: "must be an RFC 3339 UTC instant (…Z, seconds 00-59)",
        },
      ],
    );
  }
  return ms;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil), without Date. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}
