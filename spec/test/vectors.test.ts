import { describe, expect, it } from "vitest";
import { isFrxError } from "../src/errors.js";
import { errorCodeValues, messageTypeValues } from "../src/generated/codes.js";
import { verifyEnvelope } from "../src/jws/envelope.js";
import { verifyReceipt, type ReceiptExpectation } from "../src/jws/receipt.js";
import { applyInvestigation, type InvestigationRecord } from "../src/machines/investigation.js";
import type { Actor } from "../src/machines/machine.js";
import { applyReferral, type ReferralRecord } from "../src/machines/referral.js";
import { applyRemedy, type RemedyRecord } from "../src/machines/remedy.js";
import { checkPolicy } from "../src/policy/check.js";
import { checkRegistry, type RegistryContext } from "../src/policy/registry.js";
import { checkRegistryAnswer, type RegistryQuery } from "../src/federation/registry-answer.js";
import type { TrustListMember } from "../src/generated/types.js";
import { checkOverrideApproval, type OverrideApprover } from "../src/policy/override-approval.js";
import {
  assertInForce,
  verifyTrustList,
  type SignedTrustList,
} from "../src/federation/trust-list.js";
import { assertOwnEntry, type NodeIdentity } from "../src/federation/own-entry.js";
import { verifyTransaction } from "../src/federation/transaction.js";
import { validateMessage } from "../src/validate/validator.js";
import type { PolicyContext } from "../src/policy/context.js";
import type { AnyMessage } from "../src/generated/messages.js";
import { resolverOf, vectorsOf, type Vector } from "./vector-files.js";

/** Runs `fn` and returns the FrxError code it threw, or "valid". */
async function verdict(fn: () => unknown): Promise<string> {
  try {
    await fn();
    return "valid";
  } catch (error) {
    if (isFrxError(error)) return error.code;
    throw error;
  }
}

const expected = (v: Vector): string => (v.expect.valid ? "valid" : v.expect.code!);

describe("envelope vectors (spec/vectors/envelope)", () => {
  it.each(vectorsOf("envelope"))("$id", async (v) => {
    const options = (v.options ?? {}) as { maxBytes?: number };
    const got = await verdict(() =>
      verifyEnvelope(v.jws as string, {
        resolveKey: resolverOf(v.jwks as never),
        now: new Date(v.now as string),
        ...options,
      }),
    );
    expect(got).toBe(expected(v));
  });
});

describe("receipt vectors (spec/vectors/receipt)", () => {
  it.each(vectorsOf("receipt"))("$id", async (v) => {
    const got = await verdict(() =>
      verifyReceipt(v.jws as string, v.receipt as ReceiptExpectation, resolverOf(v.jwks as never)),
    );
    expect(got).toBe(expected(v));
  });
});

describe("policy vectors (spec/vectors/policy)", () => {
  it.each(vectorsOf("policy"))("$id", (v) => {
    const violations = checkPolicy(v.envelope as AnyMessage, v.context as PolicyContext);
    if (v.expect.valid) {
      expect(violations).toEqual([]);
    } else {
      expect(violations.map((x) => x.code)).toContain(v.expect.code);
      if (v.expect.pointer) {
        expect(violations.filter((x) => x.code === v.expect.code).map((x) => x.pointer)).toContain(
          v.expect.pointer,
        );
      }
    }
  });
});

describe("registry vectors (spec/vectors/registry)", () => {
  it.each(vectorsOf("registry"))("$id", (v) => {
    const violations = checkRegistry(v.envelope as AnyMessage, v.context as RegistryContext);
    if (v.expect.valid) {
      expect(violations).toEqual([]);
    } else {
      expect(violations.map((x) => [x.code, x.pointer])).toEqual([
        [v.expect.code, v.expect.pointer],
      ]);
    }
  });
});

describe("registry lookup vectors (spec/vectors/registry-answer)", () => {
  it.each(vectorsOf("registry-answer"))("$id", async (v) => {
    const got = await verdict(() =>
      checkRegistryAnswer(v.jws, v.member as TrustListMember, v.query as RegistryQuery),
    );
    expect(got).toBe(expected(v));
  });
});

describe("four-eyes override vectors (spec/vectors/override)", () => {
  it.each(vectorsOf("override"))("$id", async (v) => {
    const violations = await checkOverrideApproval(
      v.envelope as AnyMessage,
      v.approver as OverrideApprover | undefined,
      resolverOf(v.jwks as never),
    );
    if (v.expect.valid) {
      expect(violations).toEqual([]);
    } else {
      expect(violations.map((x) => [x.code, x.pointer])).toEqual([
        [v.expect.code, v.expect.pointer],
      ]);
    }
  });
});

describe("state vectors (spec/vectors/state)", () => {
  it.each(vectorsOf("state"))("$id", async (v) => {
    let next: { state: string } | undefined;
    const got = await verdict(() => {
      next =
        v.machine === "remedy"
          ? applyRemedy(
              v.record as RemedyRecord | undefined,
              v.envelope as AnyMessage,
              v.actor as Actor,
              [],
              "2026-03-02T09:45:00Z",
            )
          : v.machine === "investigation"
            ? applyInvestigation(
                v.record as InvestigationRecord | undefined,
                v.envelope as AnyMessage,
                v.actor as Actor,
              )
            : applyReferral(
                v.record as ReferralRecord | undefined,
                v.envelope as AnyMessage,
                v.actor as Actor,
              );
    });
    expect(got).toBe(expected(v));
    if (v.expect.state) expect(next?.state).toBe(v.expect.state);
  });
});

describe("trust list vectors (spec/vectors/trust)", () => {
  it.each(vectorsOf("trust"))("$id", async (v) => {
    const got = await verdict(() => {
      const previous = v.previous
        ? verifyTrustList(v.previous as SignedTrustList, { pinnedDigest: v.pinnedDigest as string })
        : undefined;
      const list = verifyTrustList(
        v.trustList as SignedTrustList,
        previous ? { previous } : { pinnedDigest: v.pinnedDigest as string },
      );
      // `self`: the node applying the list, with the keys it holds (FRX-TRUST-029).
      if (v.self) assertOwnEntry(list.list, v.self as NodeIdentity);
      assertInForce(list, new Date(v.now as string));
    });
    expect(got).toBe(expected(v));
  });
});

describe("transaction vectors (spec/vectors/transaction)", () => {
  it.each(vectorsOf("transaction"))("$id", async (v) => {
    const got = await verdict(() => {
      const trust = verifyTrustList(v.trustList as SignedTrustList, {
        pinnedDigest: v.pinnedDigest as string,
      });
      verifyTransaction(v.jws as string, {
        trust,
        self: v.self as string,
        txnId: v.txnId as string,
        now: new Date(v.now as string),
        skewSeconds: 300,
      });
    });
    expect(got).toBe(expected(v));
  });
});

describe("vector coverage", () => {
  it.each([
    ...vectorsOf("policy"),
    ...vectorsOf("state"),
    ...vectorsOf("registry"),
    ...vectorsOf("override"),
  ])("$id carries a schema-valid envelope, so its verdict is about the rule it tests", (v) => {
    expect(() => validateMessage(v.envelope)).not.toThrow();
  });

  const all = [
    "envelope",
    "receipt",
    "policy",
    "registry",
    "registry-answer",
    "state",
    "trust",
    "transaction",
  ].flatMap(vectorsOf);

  it("has a valid signed vector for every message type", () => {
    const ids = new Set(
      vectorsOf("envelope")
        .filter((v) => v.expect.valid)
        .map((v) => v.id),
    );
    const missing = messageTypeValues.filter((t) => !ids.has(`envelope/${t}-ok`));
    expect(missing).toEqual([]);
  });

  it("has a failing vector for every verification, validation, policy, state, receipt and trust code", () => {
    const covered = new Set(all.filter((v) => !v.expect.valid).map((v) => v.expect.code));
    const core = errorCodeValues.filter(
      (c) =>
        /^(jws|envelope|schema|policy|registry|state|receipt|trust)\./.test(c) ||
        ["federation.not-destination", "federation.transaction-replayed"].includes(c),
    );
    expect(core.filter((c) => !covered.has(c))).toEqual([]);
  });
});
