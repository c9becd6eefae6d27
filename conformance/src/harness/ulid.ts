import { randomBytes } from "node:crypto";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * A fresh ULID: 48 bits of milliseconds and 80 random bits, Crockford base32. Every run
 * mints its own message, case, referral and consent ids, so runs never collide on a node.
 *
 * @example ulid() // "01KJQ3…"
 */
export function ulid(at = Date.now()): string {
  let time = "";
  let t = at;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let random = "";
  for (let i = 0; i < 16; i++) random += CROCKFORD[bytes[i]! % 32]!;
  return time + random;
}
