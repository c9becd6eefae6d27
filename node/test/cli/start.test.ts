import { afterEach, describe, expect, it } from "vitest";
import { addDoe, cli, initNode, removeTempDirs } from "./helpers.js";
import { startInProcess, stopAll } from "./running.js";

afterEach(async () => {
  await stopAll();
  await removeTempDirs();
});

describe("frx-node start (in-process)", () => {
  it("serves health and readiness, locks the store, and drains on a stop signal", async () => {
    const dir = await initNode();
    await addDoe(dir);
    const node = startInProcess(dir);
    const url = await node.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "ok" });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);

    // Commands reach a running node through its admin API (issue 14): no downtime.
    const disabled = await cli("agency", "disable", "--dir", dir, "--id", "TH:DOE");
    expect(disabled.stdout).toContain("TH:DOE disabled");
    const listed = await cli("agency", "list", "--dir", dir, "--json");
    expect((JSON.parse(listed.stdout) as Array<{ status: string }>)[0]!.status).toBe("disabled");
    const audit = await cli("audit", "verify", "--dir", dir);
    expect([audit.code, audit.stdout]).toEqual([0, expect.stringContaining("ok")]);
    const again = await cli("start", "--dir", dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("is running; stop it first");

    const done = await node.stop("SIGTERM");
    expect(done.code).toBe(0);
    expect(done.stdout).toContain("node TH stopped (SIGTERM)");
    const events = done.stderr
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { event: string }).event);
    // A freshly initialised node's calendar does not say through which date its holidays are
    // complete (holidaysThrough), so it warns that it does not reach twelve months ahead
    // (FRX-DL-009) before it starts.
    expect(events).toEqual([
      "calendar.coverage-short",
      "node.started",
      "node.stopping",
      "node.closed",
    ]);
    // The store is free again once the node has stopped.
    expect((await cli("agency", "list", "--dir", dir)).stdout).toMatch(/TH:DOE\s+disabled/);
  });

  it("refuses a port that is taken instead of crashing", async () => {
    const first = startInProcess(await initNode());
    const port = new URL(await first.url).port;
    const other = await initNode();
    const r = await cli("start", "--dir", other, "--port", port);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot listen on 127.0.0.1:${port}: the port is in use`);
    expect((await first.stop("SIGINT")).code).toBe(0);
  });
});
