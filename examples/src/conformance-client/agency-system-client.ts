// The example agency system (../agency-system) under the conformance suite's client profile:
// the system runs as it does in production, with follow: false so that it stops once its
// inbox is empty, its log lines turned into the suite's inbox events, and its client wrapped
// so that every submission is reported. The system only answers its inbox; the tasks of the
// task file (opening a case, referring onward, statistics) are done after it with the same
// client, as the agency's case workers would through their own tools (tasks.ts).
//
//   frx-conformance run --client "node examples/dist/conformance-client/agency-system-client.js" --kit kit --report report
import { join } from "node:path";
import { AgencySystem, type LogEntry } from "../agency-system/agency-system.js";
import type { AnyMessage } from "@frx/sdk";
import { clientFromEnv, reporting, stateDir } from "./contract.js";
import { performTasks, readTasks, remembering } from "./tasks.js";

const client = await clientFromEnv();
const received = new Map<string, AnyMessage>();
const reported = new Set<string>();

/** One inbox event per item: the system logs an item once per action it took on it. */
function log(entry: LogEntry): void {
  process.stderr.write(`${JSON.stringify(entry)}\n`);
  if (reported.has(entry.messageId)) return;
  reported.add(entry.messageId);
  const verified = entry.action !== "unverified";
  const event = {
    event: verified ? "received" : "rejected",
    cursor: entry.cursor,
    messageId: entry.messageId,
    ...(verified ? {} : { code: entry.reason }),
  };
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

const system = await AgencySystem.open({
  client: reporting(remembering(client, received)),
  stateFile: join(stateDir(), "inbox.json"),
  mandate: {
    tracks: ["labour", "remedy"],
    powers: ["workplace_inspection", "victim_protection"],
    services: ["Shelter", "Legal", "Interpretation"],
  },
  handlerRole: "conformance desk",
  log,
  follow: false,
});
try {
  await system.run(new AbortController().signal);
  await performTasks(client, await readTasks(), received);
} finally {
  await client.close();
}
