/**
 * Every (envelope, recipient) pair a node acknowledged with a receipt, and every inbox item a
 * recipient read. Lost: receipted for a recipient and never in its inbox. Duplicated: in a
 * recipient's inbox under two cursors (stored twice), not merely read again before an ack.
 */
export class Tracker {
  /** (envelope, recipient) → what sent it, for naming what was lost. */
  private readonly expected = new Map<string, string>();
  private readonly seen = new Map<string, number | Set<number>>();
  deliveries = 0;

  expect(messageId: string, recipient: string, what: string): void {
    this.expected.set(`${messageId}>${recipient}`, `${what} at ${new Date().toISOString()}`);
  }

  delivered(messageId: string, recipient: string, cursor: number): void {
    this.deliveries++;
    const key = `${messageId}>${recipient}`;
    const had = this.seen.get(key);
    if (had === undefined) this.seen.set(key, cursor);
    else if (typeof had === "number") {
      if (had !== cursor) this.seen.set(key, new Set([had, cursor]));
    } else had.add(cursor);
  }

  get expectedCount(): number {
    return this.expected.size;
  }

  lost(): number {
    let n = 0;
    for (const key of this.expected.keys()) if (!this.seen.has(key)) n++;
    return n;
  }

  /** The first lost pairs, as "messageId>recipient: what sent it, when". */
  lostExamples(max = 5): string[] {
    const out: string[] = [];
    for (const [key, what] of this.expected)
      if (!this.seen.has(key) && out.length < max) out.push(`${key}: ${what}`);
    return out;
  }

  duplicated(): number {
    let n = 0;
    for (const v of this.seen.values()) if (typeof v !== "number") n++;
    return n;
  }
}
