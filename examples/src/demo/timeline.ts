/** The demo's output: a readable timeline, one section per seed action, one line per message. */
export class Timeline {
  private readonly started = Date.now();
  readonly lines: string[] = [];
  count = 0;
  /** Every message type that took part: sent by an agency, or a node's notice read in an inbox. */
  readonly used = new Set<string>();

  constructor(
    private readonly write: (line: string) => void = (l) => process.stdout.write(l + "\n"),
  ) {}

  section(action: string, title: string): void {
    this.out("");
    this.out(`── ${action} · ${title}`);
  }

  /** A message sent: who to whom, the type, and what the node answered. */
  sent(from: string, to: string[], type: string, outcome: string): void {
    this.count++;
    this.used.add(type);
    this.out(
      `  ${this.clock()}  ${from.padEnd(10)} → ${to.join(", ").padEnd(28)} ${type.padEnd(22)} ${outcome}`,
    );
  }

  /** A message arrived in a recipient's inbox, its signature verified there. */
  received(who: string, type: string, from: string): void {
    this.out(
      `  ${this.clock()}  ${"".padEnd(10)}   ${who.padEnd(28)} ${"".padEnd(22)} ✓ in inbox, signed by ${from}, verified`,
    );
    void type;
  }

  /** A node's own notice (a deadline, a failed delivery) read in an agency's inbox, verified. */
  notice(who: string, type: string, from: string, detail: string): void {
    this.used.add(type);
    this.out(
      `  ${this.clock()}  ${from.padEnd(10)} → ${who.padEnd(28)} ${type.padEnd(22)} ✓ in inbox, verified · ${detail}`,
    );
  }

  /** A part of the story that cannot be played on this build, and why (never silently). */
  skipped(what: string, why: string): void {
    this.skips.push(what);
    this.out(`  ${this.clock()}  skipped: ${what} — ${why}`);
  }

  readonly skips: string[] = [];

  note(text: string): void {
    this.out(`  ${this.clock()}  ${text}`);
  }

  refused(from: string, to: string[], type: string, code: string, pointers: string[]): void {
    this.out(
      `  ${this.clock()}  ${from.padEnd(10)} → ${to.join(", ").padEnd(28)} ${type.padEnd(22)} ✗ refused: ${code}`,
    );
    for (const p of pointers)
      this.out(`  ${"".padEnd(8)}  ${"".padEnd(10)}   ${"".padEnd(28)} ${"".padEnd(22)}   at ${p}`);
  }

  private clock(): string {
    return `+${((Date.now() - this.started) / 1000).toFixed(2).padStart(6)}s`;
  }

  private out(line: string): void {
    this.lines.push(line);
    this.write(line);
  }
}
