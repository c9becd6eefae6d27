// The SDK as an agency system under the conformance suite's client profile: it reads the
// inbox until a read brings nothing new, reports each item, answers each referral that
// verified with referral.acknowledge, acknowledges the items, then does the tasks of the
// task file (tasks.ts), and reports each submission.
//
//   frx-conformance run --client "node examples/dist/conformance-client/sdk-client.js" --kit kit --report report
import { MessageType, type AnyMessage, type FrxClient } from "@frx/sdk";
import { clientFromEnv, reportItem, reportSubmission } from "./contract.js";
import { performTasks, readTasks, remembering } from "./tasks.js";

/** Handles the inbox once through; a failed submission is reported and the next item taken. */
export async function drain(client: FrxClient): Promise<void> {
  const inbox = client.inbox({ follow: false, waitMs: 0 });
  for await (const item of inbox) {
    reportItem(item);
    const m = item.ok ? item.message : undefined;
    if (m?.type === MessageType.ReferralCreate && m.referral) {
      const ref = { case: m.case, referral: m.referral };
      await reportSubmission(() =>
        client.referrals.acknowledge(ref, { assignedHandlerRole: "conformance desk" }),
      ).catch(() => undefined);
    }
    await inbox.ack(item.cursor);
  }
}

const client = await clientFromEnv();
const received = new Map<string, AnyMessage>();
try {
  await drain(remembering(client, received));
  await performTasks(client, await readTasks(), received);
} finally {
  await client.close();
}
