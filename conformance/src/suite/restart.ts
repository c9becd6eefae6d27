import { check, same, SkipTest } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { eventually, inboxItems } from "../harness/inbox.js";
import { expectProblem } from "../harness/problem.js";
import { section } from "./define.js";
import { bounce, freshTokensAccepted, pause, RESTART_TEST_MS } from "./restart-support.js";

/**
 * What must survive a restart and a crash of the node's process, through the operator steps
 * `restart` and `crash` (docs/certification.md). These tests run last: a node that does not
 * come back fails them, not the rest of the run.
 */
const t = section("restart", "core");

/** What a flood sent, and what the node answered with a receipt that verifies, by envelope id. */
interface Flood {
  receipted: Map<string, { jws: string; receipt: string }>;
  sent: string[];
  /** Submissions cut off in flight (not those refused a connection while the node was down). */
  cut: number;
}

/**
 * LI submits case.notify envelopes to VS from `workers` connections at once, until `stop`
 * says so or `max` were sent; a submission the crash cuts off counts as not acknowledged.
 */
async function flood(h: Harness, out: Flood, stop: () => boolean, max: number, workers = 6) {
  const worker = async () => {
    while (!stop() && out.sent.length < max) {
      const jws = h.sign(h.envelope("case-notify-ok"));
      const id = h.idOf(jws);
      out.sent.push(id);
      try {
        const reply = await h.call("POST", "/v1/envelopes", {
          headers: { "content-type": "application/jose" },
          body: jws,
          as: "LI",
          isolate: true,
        });
        const receipt = reply.json<{ receipt?: unknown }>().receipt;
        if (reply.status === 201 && typeof receipt === "string") {
          // A receipt that does not verify is no acknowledgement (FRX-RCPT-002 tests it).
          const ok = await h.verifyReceipt(receipt, jws).then(
            () => true,
            () => false,
          );
          if (ok) out.receipted.set(id, { jws, receipt });
        }
      } catch (error) {
        // Cut off by the crash, or sent while the node was down: nothing was acknowledged.
        if ((error as { code?: unknown }).code !== "ECONNREFUSED") out.cut++;
        await pause(50);
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
}

/** A token accepted once, then presented again after the operator step. */
async function replayedAfter(h: Harness, step: "restart" | "crash"): Promise<void> {
  const iat = Math.floor(Date.now() / 1000);
  const token = await h.token("LI", { iat, exp: iat + 300 });
  const call = () =>
    h.http.call("GET", "/v1/inbox?after=0&limit=1", {
      headers: { authorization: `Bearer ${token}` },
    });
  const first = await call();
  check(first.status === 200, `the token's first use was refused: HTTP ${first.status}`);
  await bounce(h, step);
  if (Date.now() / 1000 > iat + 290)
    throw new SkipTest(
      `the ${step} took so long that the token expired before it could be replayed`,
    );
  expectProblem(await call(), "auth.token-replayed");
}

export const restartTests = [
  t(
    "FRX-RCPT-001",
    async (h) => {
      const f: Flood = { receipted: new Map(), sent: [], cut: 0 };
      let crashed = false;
      const flooding = flood(h, f, () => crashed, 150);
      try {
        // The crash comes while submissions are still being sent and answered.
        await eventually(
          () => Promise.resolve(f.receipted.size >= 10),
          "ten receipts before the crash",
          30_000,
        );
        await bounce(h, "crash");
      } finally {
        crashed = true;
        await flooding;
      }
      if (f.cut === 0)
        h.warn("every submission was answered before the crash: none was cut off in flight");
      await freshTokensAccepted(h);
      const ids = new Set(f.sent);
      const delivered = new Map<string, number>();
      for (const item of await inboxItems(h, "VS", (i) => ids.has(i.messageId)))
        delivered.set(item.messageId, (delivered.get(item.messageId) ?? 0) + 1);
      for (const [id] of f.receipted)
        same(
          delivered.get(id) ?? 0,
          1,
          `inbox items at ${h.id("VS")} for ${id}, receipted before the crash`,
        );
      for (const [id, n] of delivered)
        check(n === 1, `${id} is in ${h.id("VS")}'s inbox ${n} times after the crash`);
      // The duplicate store came through too: each receipted envelope gets its receipt back.
      for (const [id, { jws, receipt }] of f.receipted) {
        const again = await h.submit(jws);
        check(again.status === 200, `${id} sent again after the crash: HTTP ${again.status}`);
        same(
          again.json<{ receipt?: unknown }>().receipt,
          receipt,
          `the receipt of ${id} after the crash`,
        );
      }
    },
    { timeoutMs: RESTART_TEST_MS },
  ),

  t("FRX-API-032", (h) => replayedAfter(h, "restart"), { timeoutMs: RESTART_TEST_MS }),

  t("FRX-API-032/crash", (h) => replayedAfter(h, "crash"), { timeoutMs: RESTART_TEST_MS }),
];
