// HTTP-date (RFC 9110 §5.6.7) read strictly: the three formats a recipient must accept, each
// checked field by field, so that a malformed date is undefined rather than NaN or a guess.

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAY = "(Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const LONG_DAY = "(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
const MON = `(${MONTHS.join("|")})`;
const TIME = "(\\d{2}):(\\d{2}):(\\d{2})";
/** Sun, 06 Nov 1994 08:49:37 GMT */
const IMF = new RegExp(`^${DAY}, (\\d{2}) ${MON} (\\d{4}) ${TIME} GMT$`);
/** Sunday, 06-Nov-94 08:49:37 GMT (obsolete; a two-digit year is read per RFC 9110) */
const RFC850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MON}-(\\d{2}) ${TIME} GMT$`);
/** Sun Nov  6 08:49:37 1994 (obsolete) */
const ASCTIME = new RegExp(`^${DAY} ${MON} ([ \\d]\\d) ${TIME} (\\d{4})$`);

/**
 * Milliseconds since the epoch of an HTTP-date, or undefined when it is not one (a day of the
 * month or a time out of range, a weekday that does not match the date).
 *
 * @example parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT") // 784111777000
 */
export function parseHttpDate(text: string, now: Date = new Date()): number | undefined {
  let m = IMF.exec(text);
  if (m) return build(m[1]!, +m[4]!, m[3]!, +m[2]!, +m[5]!, +m[6]!, +m[7]!);
  m = RFC850.exec(text);
  if (m)
    return build(m[1]!.slice(0, 3), fullYear(+m[4]!, now), m[3]!, +m[2]!, +m[5]!, +m[6]!, +m[7]!);
  m = ASCTIME.exec(text);
  if (m) return build(m[1]!, +m[7]!, m[2]!, +m[3]!.trim(), +m[4]!, +m[5]!, +m[6]!);
  return undefined;
}

/** RFC 9110: a two-digit year more than 50 years in the future is in the past century. */
function fullYear(yy: number, now: Date): number {
  const year = Math.floor(now.getUTCFullYear() / 100) * 100 + yy;
  return year > now.getUTCFullYear() + 50 ? year - 100 : year;
}

function build(
  weekday: string,
  year: number,
  month: string,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number | undefined {
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const monthIndex = MONTHS.indexOf(month);
  const at = Date.UTC(year, monthIndex, day, hour, minute, Math.min(second, 59));
  const d = new Date(at);
  if (d.getUTCDate() !== day || d.getUTCMonth() !== monthIndex) return undefined;
  if (DAYS[d.getUTCDay()] !== weekday) return undefined;
  return at;
}
