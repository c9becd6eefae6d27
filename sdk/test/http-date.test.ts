import { describe, expect, it } from "vitest";
import { parseHttpDate } from "../src/http-date.js";
import { retryAfterMs } from "../src/retry.js";

const now = new Date("2026-12-07T12:00:00Z");
const at = Date.UTC(1994, 10, 6, 8, 49, 37);

describe("HTTP-date (RFC 9110 §5.6.7)", () => {
  it("reads the three formats a recipient must accept", () => {
    expect(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT", now)).toBe(at);
    expect(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT", now)).toBe(at);
    expect(parseHttpDate("Sun Nov  6 08:49:37 1994", now)).toBe(at);
  });

  it("refuses what Date.parse would guess at or turn into NaN", () => {
    for (const bad of [
      "06 Nov 1994 08:49:37 GMT", // no weekday
      "Mon, 06 Nov 1994 08:49:37 GMT", // the wrong weekday
      "Sun, 31 Nov 1994 08:49:37 GMT", // no 31 November
      "Sun, 06 Nov 1994 24:00:00 GMT", // hour out of range
      "Sun, 06 Nov 1994 08:49:37 +0000", // not GMT
      "2026-12-07T12:00:05Z", // an instant, not an HTTP-date
      "tomorrow",
    ])
      expect(parseHttpDate(bad, now), bad).toBeUndefined();
  });

  it("gives Retry-After's delay from a date, and none for a malformed one", () => {
    expect(retryAfterMs("Mon, 07 Dec 2026 12:00:05 GMT", now)).toBe(5000);
    expect(retryAfterMs("Mon, 07 Dec 2026 11:59:00 GMT", now)).toBe(0);
    expect(retryAfterMs("Tue, 07 Dec 2026 12:00:05 GMT", now)).toBeUndefined();
    expect(retryAfterMs("7", now)).toBe(7000);
  });
});
