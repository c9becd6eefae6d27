import {
  createSigner,
  digestOf,
  importPublicKey,
  signEnvelope,
  verifyReceipt,
  type ErrorCode,
  type PrivateJwk,
  type ResolvedKey,
  type Types,
} from "@frx/spec";
import { AGENCY_NAMES, PEER_AGENCY, type AgencyName } from "../kit/agencies.js";
import type { Kit } from "../kit/load.js";
import type { PeerNode } from "../peer/peer.js";
import type { OperatorHook } from "../run/operator.js";
import { check, holds } from "./check.js";
import type { NodeInfo } from "./discover.js";
import { build, type Envelope } from "./fixtures.js";
import type { CallOptions, Http, Reply } from "./http.js";
import { expectProblem, type Problem } from "./problem.js";
import { agencyToken, type TokenOptions } from "./tokens.js";
import { memberOf, payloadOf } from "./jws-text.js";
import { ulid } from "./ulid.js";

/** What the node answers to a stored envelope, with the receipt verified. */
export interface Accepted {
  http: Reply;
  status: string;
  receiptJws: string;
  receipt: Types.Receipt;
}

/**
 * Everything a conformance test needs: the node under test (discovered), the harness's
 * agencies there, the harness peer node, and helpers that sign, submit and assert. One
 * Harness serves a whole run; tests share it and keep their data apart by fresh ids.
 */
export class Harness {
  private readonly scenarios = new Map<string, Promise<unknown>>();
  /** Notes for the test now running (status codes other than recommended, and the like). */
  warnings: string[] = [];
  /** The operator steps the run may ask for (--operator); none when the certifier gave none. */
  operator?: OperatorHook;

  constructor(
    readonly http: Http,
    readonly kit: Kit,
    readonly node: NodeInfo,
    readonly peer: PeerNode,
    /** The trust list as the harness judges the node: the kit's, with the node in it. */
    readonly trust: Types.TrustList,
  ) {}

  /** The participant id of a harness agency, e.g. "TH:CONF-LI". */
  id(name: AgencyName): string {
    return this.kit.manifest.agencies[name];
  }

  key(name: AgencyName): PrivateJwk {
    return this.kit.secrets.agencies[name];
  }

  warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  /** An envelope from a fixture, with this run's ids; `overrides` replace members. */
  envelope(
    fixture: string,
    overrides: Record<string, unknown> = {},
    values: Record<string, string> = {},
  ): Envelope {
    const li = this.id("LI");
    const envelope = build(
      fixture,
      {
        CC: this.node.id,
        ...Object.fromEntries(AGENCY_NAMES.map((n) => [n, this.id(n)])),
        PEER: PEER_AGENCY,
        CASE: `${li}:${ulid()}`,
        REFERRAL: ulid(),
        INVESTIGATION: ulid(),
        CONSENT: ulid(),
        SANCTION: ulid(),
        CLAIM: ulid(),
        PAST: new Date(Date.now() - 3_600_000).toISOString(),
        TODAY: new Date().toISOString().slice(0, 10),
        SOON: new Date(Date.now() + 7 * 86_400_000).toISOString(),
        ...values,
      },
      overrides,
    );
    // A fresh case is opened by its sender (FRX-MSG-011): a fixture that another agency sends
    // names a case of that agency's, unless the test chose the case.
    if (
      overrides.case === undefined &&
      values.CASE === undefined &&
      typeof envelope.case === "string" &&
      envelope.case.startsWith(`${li}:`) &&
      envelope.from !== li
    )
      envelope.case = `${envelope.from}:${ulid()}`;
    return envelope;
  }

  /** Signs as the envelope's `from` agency (or with `key`). */
  sign(envelope: object, key?: PrivateJwk): string {
    const from = String((envelope as { from?: unknown }).from);
    const name = AGENCY_NAMES.find((n) => this.id(n) === from);
    const k =
      key ??
      (name ? this.key(name) : from === PEER_AGENCY ? this.kit.secrets.peerAgency : undefined);
    if (!k) throw new TypeError(`no harness key for ${from}`);
    return signEnvelope(envelope, createSigner(k));
  }

  async token(name: AgencyName, o: TokenOptions = {}): Promise<string> {
    return agencyToken(this.key(name), { iss: this.id(name), aud: this.node.id }, o);
  }

  /** An agency API call; `as` adds a fresh token for that agency. */
  async call(
    method: string,
    path: string,
    o: CallOptions & { as?: AgencyName } = {},
  ): Promise<Reply> {
    const headers = { ...(o.headers ?? {}) };
    if (o.as) headers.authorization = `Bearer ${await this.token(o.as)}`;
    return this.http.call(method, path, { ...o, headers });
  }

  /** POSTs a JWS to /v1/envelopes with a token of its sender (spec: the token's iss is the envelope's from). */
  async submit(
    jws: string,
    o: { as?: AgencyName | null; contentType?: string; isolate?: boolean } = {},
  ): Promise<Reply> {
    const from = this.fromOf(jws);
    const as = o.as === undefined ? AGENCY_NAMES.find((n) => this.id(n) === from) : o.as;
    const send = () =>
      this.call("POST", "/v1/envelopes", {
        headers: { "content-type": o.contentType ?? "application/jose" },
        body: jws,
        ...(as ? { as } : {}),
        ...(o.isolate ? { isolate: true } : {}),
      });
    // Resending the same JWS is safe by design (FRX-RCPT-003): retry once on a dropped connection.
    return send().catch((error: unknown) => {
      if ((error as { code?: unknown }).code !== "UND_ERR_SOCKET") throw error;
      return send();
    });
  }

  /** Submits and asserts a stored envelope: 2xx and a receipt signed by the node that echoes id and digest. */
  async accepted(jws: string, expectStatus = 201): Promise<Accepted> {
    const http = await this.submit(jws);
    check(
      http.status === expectStatus,
      `expected HTTP ${expectStatus} for ${this.describe(jws)}, got ${http.status}: ${http.text.slice(0, 400)}`,
    );
    const body = http.json<{ status?: string; receipt?: unknown }>();
    check(
      typeof body.receipt === "string",
      `the reply carries no receipt: ${http.text.slice(0, 300)}`,
    );
    const receipt = await this.verifyReceipt(body.receipt, jws);
    return { http, status: String(body.status), receiptJws: body.receipt, receipt };
  }

  /** Submits and asserts a refusal with `code`. */
  async refused(jws: string, code: ErrorCode): Promise<Problem> {
    return expectProblem(await this.submit(jws), code);
  }

  problem(reply: Reply, code: ErrorCode): Problem {
    return expectProblem(reply, code);
  }

  /** FRX-RCPT-007 as a sender runs it: a receipt from the node under test, for `jws`. */
  async verifyReceipt(receiptJws: string, jws: string): Promise<Types.Receipt> {
    return holds("the node's receipt", () =>
      verifyReceipt(
        receiptJws,
        { messageId: this.idOf(jws), digest: digestOf(jws), node: this.node.id },
        (kid) => this.nodeKey(kid),
      ),
    );
  }

  /** The node's signing keys, from the trust list (or its metadata when the kit does not list it). */
  nodeKey(kid: string): ResolvedKey | undefined {
    const k = this.node.member.signingKeys.find((s) => s.jwk.kid === kid);
    if (!k) return undefined;
    return {
      key: importPublicKey(k.jwk),
      owner: this.node.id,
      ...(k.notAfter ? { retiredAt: k.notAfter } : {}),
    };
  }

  /** Runs `fn` once per run under `name` and shares its outcome (background scenarios). */
  scenario<T>(name: string, fn: () => Promise<T>): Promise<T> {
    let p = this.scenarios.get(name) as Promise<T> | undefined;
    if (!p) {
      p = fn();
      p.catch(() => undefined);
      this.scenarios.set(name, p);
    }
    return p;
  }

  payloadOf(jws: string): Record<string, unknown> {
    return payloadOf(jws);
  }

  idOf(jws: string): string {
    return String(payloadOf(jws).id);
  }

  private fromOf(jws: string): string | undefined {
    return memberOf(jws, "from");
  }

  private describe(jws: string): string {
    return `${memberOf(jws, "type") ?? "an envelope"} ${memberOf(jws, "id") ?? ""}`.trim();
  }
}
