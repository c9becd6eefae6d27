import { createPublicKey } from "node:crypto";
import { assertSignature, parseCompact, type Types } from "@frx/spec";
import { afterEach, describe, expect, it } from "vitest";
import { defaultConfig } from "../src/config/config.js";
import { CalendarWatch } from "../src/jobs/calendar-watch.js";
import { thaiNode, type TestNode } from "./harness.js";

let t: TestNode;
afterEach(async () => t.node.close());

const calendar = {
  ...defaultConfig("TH").calendar,
  weekend: [6, 0],
  holidays: ["2026-04-13", "2026-04-14", "2026-04-15"],
  holidaysThrough: "2027-03-01",
};

// FRX-DL-004: the calendar the node computes deadlines on is in its signed metadata.
describe("the working-day calendar in the node's signed metadata", () => {
  it("publishes offset, rest days, holidays and their reach, covered by the metadata's signature", async () => {
    t = await thaiNode({ calendar });
    const res = await t.node.app.request("/.well-known/frx-node");
    const { metadata, jws } = (await res.json()) as { metadata: Types.NodeMetadata; jws: string };
    expect(metadata.calendar).toEqual({
      utcOffset: "+07:00",
      restDays: [0, 6],
      holidays: ["2026-04-13", "2026-04-14", "2026-04-15"],
      holidaysThrough: "2027-03-01",
    });
    const signed = parseCompact(jws, "frx-metadata+jws");
    expect(JSON.parse(Buffer.from(signed.payload).toString("utf8")).calendar).toEqual(
      metadata.calendar,
    );
    expect(signed.header.kid).toBe(t.node.ctx.signer.kid);
    const key = createPublicKey({
      key: metadata.signingKeys[0]!.jwk as unknown as import("node:crypto").JsonWebKey,
      format: "jwk",
    });
    expect(() => assertSignature(signed, key)).not.toThrow();
  });

  it("warns the operator while the holidays reach less than twelve months ahead", async () => {
    // The clock reads 2 March 2026: the list must reach 2 March 2027.
    t = await thaiNode({ calendar });
    new CalendarWatch(t.node.ctx).check();
    expect(t.logger.lines.filter((l) => l.event === "calendar.coverage-short")).toHaveLength(1);
    t.node.ctx.config.calendar.holidaysThrough = "2027-03-02";
    new CalendarWatch(t.node.ctx).check();
    expect(t.logger.lines.filter((l) => l.event === "calendar.coverage-short")).toHaveLength(1);
  });
});
