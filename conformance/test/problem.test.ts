import { describe, expect, it } from "vitest";
import { ConformanceFailure } from "../src/harness/check.js";
import type { Reply } from "../src/harness/http.js";
import { expectProblem, tableStatus } from "../src/harness/problem.js";

/** A problem+json reply with this status and code. */
function reply(status: number, code: string): Reply {
  const body = { type: `urn:frx:problem:${code}`, code, status, title: code };
  const text = JSON.stringify(body);
  return {
    status,
    headers: { "content-type": "application/problem+json" },
    text,
    bytes: Buffer.from(text),
    json: <T>() => body as T,
  };
}

describe("refusal statuses, held against envelope.md's table (FRX-API-005)", () => {
  it("reads each code's status from the table in @frx/spec, patterns included", () => {
    expect(tableStatus("trust.list-expired")).toBe(503);
    expect(tableStatus("state.remedy-amount-invalid")).toBe(409);
    expect(tableStatus("policy.firewall")).toBe(422);
    expect(tableStatus("federation.not-destination")).toBe(421);
    expect(tableStatus("receipt.digest-mismatch")).toBeUndefined();
  });

  it("fails a refusal with the right code and another status, and passes the table's", () => {
    expect(() =>
      expectProblem(reply(400, "state.transition-forbidden"), "state.transition-forbidden"),
    ).toThrow(ConformanceFailure);
    expect(() => expectProblem(reply(422, "attachment.not-found"), "attachment.not-found")).toThrow(
      /envelope.md's table gives 404/,
    );
    expect(
      expectProblem(reply(409, "state.transition-forbidden"), "state.transition-forbidden").code,
    ).toBe("state.transition-forbidden");
  });
});
