/**
 * A check that runs at start and then every `intervalMs` (an hour by default) until stopped,
 * on a timer that does not keep the process alive: the shape of the node's operator warnings.
 */
export abstract class HourlyWatch {
  private timer: NodeJS.Timeout | null = null;

  start(intervalMs = 3_600_000): void {
    this.check();
    this.timer = setInterval(() => this.check(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  abstract check(): void;
}
