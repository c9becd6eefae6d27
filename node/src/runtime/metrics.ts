/** Counters and a latency summary, rendered as Prometheus text. */
export class Metrics {
  private readonly counters = new Map<string, number>();
  private readonly gauges = new Map<string, () => number>();

  inc(name: string, labels: Record<string, string> = {}, by = 1): void {
    const key = series(name, labels);
    this.counters.set(key, (this.counters.get(key) ?? 0) + by);
  }

  gauge(name: string, read: () => number): void {
    this.gauges.set(name, read);
  }

  render(): string {
    const lines: string[] = [];
    const names = new Set([...this.counters.keys()].map((k) => k.replace(/\{.*$/, "")));
    for (const name of [...names].sort()) {
      lines.push(`# TYPE ${name} counter`);
      for (const [key, value] of [...this.counters]
        .filter(([k]) => k.replace(/\{.*$/, "") === name)
        .sort()) {
        lines.push(`${key} ${value}`);
      }
    }
    for (const [name, read] of [...this.gauges].sort()) {
      lines.push(`# TYPE ${name} gauge`, `${name} ${read()}`);
    }
    return lines.join("\n") + "\n";
  }
}

function series(name: string, labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return name;
  return `${name}{${entries.map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, "_")}"`).join(",")}}`;
}
