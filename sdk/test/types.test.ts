// Type-level tests: `tsc -p sdk/test` fails if a wrong body for a type compiles (each
// `@ts-expect-error` must meet an error) or if an inferred type drifts from the spec's.
import { MessageType, type BodyOf, type MessageOf, type Types } from "@frx/spec";
import { describe, expectTypeOf, it } from "vitest";
import type {
  AgencyMessageType,
  ClientErrorCode,
  FrxClient,
  InboxItem,
  SendInput,
  SendResult,
} from "../src/index.js";

// Never called: the closures below exist for the compiler only.
const client = {} as FrxClient;
const b = {
  to: [{ participant: "TH:DSDW" }],
  case: "TH:DOE:01JNB5X8Q2M3N4P5R6S7T8V9W0",
  referral: "01KJPWGVT00H3GW7D0FZQ4NZAS",
  purpose: "victim_assistance" as const,
  legalBasis: { code: "public_task" as const },
  tier: "T1" as const,
};
const Decline = MessageType.ReferralDecline;
const Accept = MessageType.ReferralAccept;
declare const ack: BodyOf<typeof MessageType.ReferralAcknowledge>;
declare const notify: BodyOf<typeof MessageType.CaseNotify>;

describe("types derived from the spec", () => {
  it("types each send's body by its message type", () => {
    expectTypeOf<SendInput<typeof MessageType.ReferralDecline>["body"]>().toEqualTypeOf<
      BodyOf<typeof MessageType.ReferralDecline>
    >();
    expectTypeOf(client.send<typeof MessageType.ReferralDecline>).returns.resolves.toEqualTypeOf<
      SendResult<typeof MessageType.ReferralDecline>
    >();
    expectTypeOf<SendResult<typeof MessageType.CaseNotify>["message"]>().toEqualTypeOf<
      MessageOf<typeof MessageType.CaseNotify>
    >();
  });

  it("refuses a body of another type, a wrong code, a missing member and an unknown one", () => {
    const decline = () =>
      client.send(Decline, { ...b, sequence: 2, body: { reason: "no_capacity" } });
    // @ts-expect-error an acknowledgement's body is not a decline's
    const wrongType = () => client.send(Decline, { ...b, sequence: 2, body: ack });
    // @ts-expect-error "busy" is not a DeclineReason
    const wrongCode = () => client.send(Decline, { ...b, sequence: 2, body: { reason: "busy" } });
    // @ts-expect-error referral.accept requires its sequence
    const missing = () => client.send(Accept, { ...b, body: {} });
    // @ts-expect-error bodies admit only their schema's members
    const unknown = () => client.send(Accept, { ...b, sequence: 3, body: { passport: "LA12" } });
    const { case: _case, ...noCase } = b;
    // @ts-expect-error a case message names its case
    const caseless = () => client.send(MessageType.CaseNotify, { ...noCase, body: notify });
    void [decline, wrongType, wrongCode, missing, unknown, caseless];
  });

  it("keeps the node's notices out of an agency's send", () => {
    expectTypeOf<typeof MessageType.DeadlineReminder>().not.toMatchTypeOf<AgencyMessageType>();
    const body = { deadline: "acknowledge" as const, dueAt: "2026-03-03T09:45:00Z" };
    // @ts-expect-error deadline.reminder is sent by nodes only
    const notice = () => client.send(MessageType.DeadlineReminder, { ...b, body });
    void notice;
  });

  it("types the referral helpers' bodies", () => {
    const ref = { case: b.case, referral: b.referral };
    const ok = () => client.referrals.close(ref, { outcome: "services_delivered" });
    // @ts-expect-error "done" is not a ClosureOutcome
    const bad = () => client.referrals.close(ref, { outcome: "done" });
    void [ok, bad];
    expectTypeOf<Parameters<FrxClient["referrals"]["accept"]>[1]>().toEqualTypeOf<
      BodyOf<typeof MessageType.ReferralAccept>
    >();
  });

  it("narrows inbox items and error codes", () => {
    const narrow = (item: InboxItem) => {
      if (item.ok) expectTypeOf(item.message.type).toEqualTypeOf<MessageType>();
      else expectTypeOf(item.error.code).toEqualTypeOf<ClientErrorCode>();
    };
    void narrow;
    expectTypeOf<"client.timeout">().toMatchTypeOf<ClientErrorCode>();
    expectTypeOf<"policy.firewall">().toMatchTypeOf<ClientErrorCode>();
    // @ts-expect-error not a code of the spec or the SDK
    const nope: ClientErrorCode = "client.oops";
    void nope;
    expectTypeOf<Types.Receipt>().toEqualTypeOf<SendResult["receipt"]>();
  });
});
