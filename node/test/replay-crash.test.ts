import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isFrxError } from "@frx/spec";
import { afterEach, describe, expect, it } from "vitest";
import { ReplayGuard } from "../src/http/auth/replay.js";
import { ManualClock } from "../src/index.js";
import { thaiNode } from "./harness.js";
import { openLevel } from "../src/store/db.js";
import { LevelStore } from "../src/store/store.js";

const SKEW = 60_000;
const LIFETIME = 300_000;
const START = Date.parse("2026-05-04T08:00:00Z");

let dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  dirs = [];
});

/** A replay guard over a level store on disk, on a machine whose boot id is `boot`. */
async function guardOn(dir: string, clock: ManualClock, boot: string | null) {
  const store = new LevelStore(openLevel(join(dir, "store")), true);
  await store.open();
  const guard = new ReplayGuard(store, clock, SKEW, LIFETIME, () => Promise.resolve(boot));
  const fenced = await guard.load();
  // The node's listener opens.
  await guard.begin();
  return { store, guard, fenced };
}

/** The outcome of presenting a token with this jti, issued at `iatMs`. */
async function present(guard: ReplayGuard, jti: string, iatMs: number): Promise<string> {
  return guard.use("TH:DOE", jti, iatMs + 120_000, iatMs).then(
    () => "accepted",
    (e: unknown) => (isFrxError(e) ? e.code : String(e)),
  );
}

describe("the replay store without an fsync per call (FRX-API-032)", () => {
  it("after a stop of the machine itself, refuses tokens issued before the restart until they expire", async () => {
    const dir = await mkdtemp(join(tmpdir(), "frx-replay-"));
    dirs.push(dir);
    const clock = new ManualClock(new Date(START));
    const first = await guardOn(dir, clock, "boot-1");
    expect(first.fenced).toBe(false);
    expect(await present(first.guard, "used-before", START - 5_000)).toBe("accepted");
    // The machine stops: no clean close. Here the jti happens to have reached the disk;
    // after a power failure it might not have, and the node cannot tell which.
    await first.store.close();

    clock.set(new Date(START + 20_000));
    const second = await guardOn(dir, clock, "boot-2");
    expect(second.fenced).toBe(true);
    expect(await present(second.guard, "used-before", START - 5_000)).toBe("auth.token-replayed");
    // Never seen, but issued before the restart (within the skew): it may have been used then.
    expect(await present(second.guard, "issued-before", START + 19_000)).toBe(
      "auth.token-replayed",
    );
    expect(await present(second.guard, "issued-at-restart", START + 20_000 + SKEW - 1000)).toBe(
      "auth.token-replayed",
    );
    // Issued after the restart plus the skew: accepted, once.
    expect(await present(second.guard, "fresh", START + 20_000 + SKEW)).toBe("accepted");
    expect(await present(second.guard, "fresh", START + 20_000 + SKEW)).toBe("auth.token-replayed");
    // Once every token issued before the restart has expired, the fence is down.
    clock.set(new Date(START + 20_000 + SKEW + LIFETIME + SKEW));
    expect(await present(second.guard, "late", START + 20_000)).toBe("accepted");
    const now = clock.now().getTime();
    expect(await present(second.guard, "recent", now)).toBe("accepted");
    await second.guard.close();
    await second.store.close();

    // A clean close synced every jti: after it, even a new boot raises no fence.
    const third = await guardOn(dir, clock, "boot-3");
    expect(third.fenced).toBe(false);
    expect(await present(third.guard, "recent", now)).toBe("auth.token-replayed");
    await third.store.close();
  });

  it("after a kill of the process on the same boot, raises no fence: the page cache kept every jti", async () => {
    const dir = await mkdtemp(join(tmpdir(), "frx-replay-"));
    dirs.push(dir);
    const clock = new ManualClock(new Date(START));
    const first = await guardOn(dir, clock, "boot-1");
    expect(await present(first.guard, "used", START)).toBe("accepted");
    await first.store.close();
    const second = await guardOn(dir, clock, "boot-1");
    expect(second.fenced).toBe(false);
    expect(await present(second.guard, "used", START)).toBe("auth.token-replayed");
    expect(await present(second.guard, "other", START)).toBe("accepted");
    await second.store.close();
    // A machine whose boot cannot be told (no boot id) is treated as one that restarted.
    const third = await guardOn(dir, clock, null);
    expect(third.fenced).toBe(true);
    await third.store.close();
  });

  it("records a read's jti without a synced batch: the read waits for no fsync", async () => {
    const dir = await mkdtemp(join(tmpdir(), "frx-replay-"));
    dirs.push(dir);
    const t = await thaiNode({ sync: true }, openLevel(join(dir, "store")));
    const store = t.node.ctx.store as LevelStore;
    const token = await t.token("TH:DSDW");
    const before = store.batches;
    const read = await t.node.app.request("/v1/inbox", {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(read.status).toBe(200);
    expect(store.batches).toBe(before);
    // Recorded all the same: the same token again is a replay.
    const again = await t.node.app.request("/v1/inbox", {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await again.json()) as { code: string }).code).toBe("auth.token-replayed");
    await t.node.close();
  });

  it("forgets, when it begins to serve, the jtis that expired while the node was stopped", async () => {
    const dir = await mkdtemp(join(tmpdir(), "frx-replay-"));
    dirs.push(dir);
    const clock = new ManualClock(new Date(START));
    const first = await guardOn(dir, clock, "boot-1");
    for (let i = 0; i < 5; i++)
      expect(await present(first.guard, `old-${i}`, START)).toBe("accepted");
    await first.guard.close();
    await first.store.close();
    // Stopped past their expiry and the skew (issued at START, valid 120 s).
    clock.set(new Date(START + 120_000 + SKEW + 1));
    const second = await guardOn(dir, clock, "boot-1");
    expect(await present(second.guard, "new", clock.now().getTime())).toBe("accepted");
    const kept = (await second.store.range<number>("jti")).map(([key]) => key);
    expect(kept).toEqual(["\u0000run", "TH:DOE\u0000new"]);
    await second.store.close();
  });
});
