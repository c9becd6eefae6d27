import { ConformanceFailure, SkipTest } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { eventually } from "../harness/inbox.js";
import { StepFailed, STEP_TIMEOUT_MS } from "../run/operator-process.js";
import { StepNotOffered } from "../run/operator-steps.js";

/** How long the node may take, once the step has returned, to answer its metadata again. */
const ANSWER_AGAIN_MS = 60_000;

/** The bound of a test that takes one process step: the step's, the node's answer and the test's own work. */
export const RESTART_TEST_MS = STEP_TIMEOUT_MS + ANSWER_AGAIN_MS + 60_000;

/**
 * Has the operator restart the node (gracefully) or crash it (SIGKILL, then start it again),
 * and waits until it serves its signed metadata again. Skips the test when the run has no
 * such step; fails it when the node did not come back.
 */
export async function bounce(h: Harness, step: "restart" | "crash"): Promise<void> {
  const run = h.operator?.[step];
  if (!run)
    throw new SkipTest(
      `needs the operator step ${step}: run with --operator (docs/certification.md, "Operator steps")`,
    );
  try {
    await run.call(h.operator);
  } catch (error) {
    if (error instanceof StepNotOffered) throw new SkipTest(error.message);
    if (error instanceof StepFailed) throw new ConformanceFailure(error.message);
    throw error;
  }
  await eventually(
    async () => {
      const reply = await h.http.call("GET", "/.well-known/frx-node").catch(() => undefined);
      return reply?.status === 200;
    },
    `the node's metadata after the operator step ${step}`,
    ANSWER_AGAIN_MS,
    200,
  );
}

/**
 * Skips the rest of a test when the node refuses a fresh token after the step: FRX-API-032
 * lets a node that cannot tell a crash from a lost machine refuse every token issued before
 * its start plus the skew, for longer than a test may wait.
 */
export async function freshTokensAccepted(h: Harness): Promise<void> {
  const reply = await h.call("GET", "/v1/inbox?after=0&limit=1", { as: "LI" });
  if (reply.status === 401 && reply.text.includes("auth.token-replayed"))
    throw new SkipTest(
      "the node refuses fresh tokens after the step (FRX-API-032 allows it when it cannot tell the stop from a lost machine): the test cannot go on within the run",
    );
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
