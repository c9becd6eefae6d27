// The operator console: plain DOM, no build step. It calls the admin API of the listener that
// served it, with the session cookie and x-frx-console: 1 (spec/admin.md, FRX-ADM-006).

const $ = (id) => document.getElementById(id);
const status = (text, bad = false) => {
  $("status").textContent = text;
  $("status").className = bad ? "bad" : "";
};

async function api(method, path, body) {
  const res = await fetch(`/admin/api${path}`, {
    method,
    credentials: "same-origin",
    headers: {
      "x-frx-console": "1",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : {};
  if (!res.ok) throw new Error(`${data.detail ?? res.statusText} (${data.code ?? res.status})`);
  return data;
}

/** A table row of text cells (never HTML), plus optional action buttons. */
function row(cells, actions = []) {
  const tr = document.createElement("tr");
  for (const c of cells) {
    const td = document.createElement("td");
    td.textContent = c ?? "-";
    tr.append(td);
  }
  if (actions.length > 0) {
    const td = document.createElement("td");
    for (const [label, onClick] of actions) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.addEventListener("click", () => void act(onClick));
      td.append(b, " ");
    }
    tr.append(td);
  }
  return tr;
}

function list(id, rows, empty) {
  const el = $(id);
  el.replaceChildren(...rows);
  if (rows.length === 0) {
    const cols = el.closest("table")?.querySelectorAll("thead th").length ?? 1;
    const tr = document.createElement("tr");
    const td = document.createElement("td");
    td.colSpan = cols;
    td.textContent = empty;
    tr.append(td);
    el.append(tr);
  }
}

function pairs(id, entries) {
  $(id).replaceChildren(
    ...entries.flatMap(([k, v]) => {
      const dt = document.createElement("dt");
      dt.textContent = k;
      const dd = document.createElement("dd");
      dd.textContent = String(v);
      return [dt, dd];
    }),
  );
}

async function act(fn) {
  try {
    const message = await fn();
    await refresh();
    status(message ?? "done");
  } catch (error) {
    status(String(error.message ?? error), true);
  }
}

async function refresh() {
  const [health, trust, peers, dead, agencies, overdue, metrics] = await Promise.all([
    api("GET", "/health"),
    api("GET", "/trust"),
    api("GET", "/peers"),
    api("GET", "/dead-letters"),
    api("GET", "/agencies"),
    api("GET", "/deadlines/overdue"),
    fetch("/admin/api/metrics", { headers: { "x-frx-console": "1" } }).then((r) => r.text()),
  ]);
  $("node-id").textContent = health.node;
  pairs("health", [
    ["Store", health.storeOpen ? "open" : "CLOSED"],
    ["Signing key", health.signingKey],
    ["Audit entries", health.auditEntries],
    ["Trust list", health.trustList.state],
  ]);
  if (trust.version === undefined) {
    $("trust-summary").textContent = "No trust list is applied: federation is off.";
    list("trust-members", [], "none");
  } else {
    const days = Math.floor((Date.parse(trust.expiresAt) - Date.now()) / 86_400_000);
    $("trust-summary").textContent =
      `Version ${trust.version} (${trust.state}), quorum ${trust.quorum}, expires ${trust.expiresAt} ` +
      `(${days >= 0 ? `in ${days} day(s)` : "expired"}); digest ${trust.digest}`;
    list(
      "trust-members",
      trust.members.map((m) => row([m.node, m.status, m.endpoint])),
      "none",
    );
  }
  list(
    "peers",
    peers.map((p) =>
      row([
        p.peer,
        p.status ?? "not a member",
        String(p.queued),
        p.inFlight.length > 0
          ? `${p.inFlight.length} txn, ${p.inFlight.reduce((n, t) => n + t.envelopes, 0)} envelopes (at most ${Math.max(...p.inFlight.map((t) => t.attempts))} tries)`
          : "-",
        String(p.deadLetters),
        p.lastContactAt,
        p.nextAttemptAt,
        p.lastError,
      ]),
    ),
    "No peers.",
  );
  list(
    "dead-letters",
    dead.map((d) =>
      row(
        [
          d.peer,
          d.messageId,
          d.from,
          `${d.reason}${d.errorCode ? ` (${d.errorCode})` : ""}`,
          d.deadAt,
        ],
        [
          [
            `Retry ${d.messageId}`,
            async () => {
              await api("POST", `/dead-letters/${d.peer}/${d.messageId}/retry`);
              return `${d.messageId} queued again for ${d.peer}`;
            },
          ],
          [
            `Discard ${d.messageId}`,
            async () => {
              await api("POST", `/dead-letters/${d.peer}/${d.messageId}/discard`);
              return `${d.messageId} discarded`;
            },
          ],
        ],
      ),
    ),
    "No dead letters.",
  );
  list(
    "agencies",
    agencies.map((a) =>
      row(
        [a.id, a.name, a.status, a.keys.map((k) => `${k.kid} (${k.status})`).join(", ")],
        [
          a.status === "active"
            ? [
                `Disable ${a.id}`,
                async () => (await api("POST", `/agencies/${a.id}/disable`), `${a.id} disabled`),
              ]
            : [
                `Enable ${a.id}`,
                async () => (await api("POST", `/agencies/${a.id}/enable`), `${a.id} enabled`),
              ],
        ],
      ),
    ),
    "No agencies.",
  );
  $("deadlines").replaceChildren(
    ...(overdue.length === 0
      ? ["No deadline is overdue."]
      : overdue.map(
          (d) => `${d.dueAt} ${d.stage}: ${d.machine} ${d.subject} (${d.kind}), case ${d.case}`,
        )
    ).map((t) => {
      const li = document.createElement("li");
      li.textContent = t;
      return li;
    }),
  );
  const metric = (name) =>
    /^(\S+) (\S+)$/m.exec(metrics.split("\n").find((l) => l.startsWith(`${name} `)) ?? "")?.[2] ??
    "-";
  pairs("metrics", [
    ["Envelopes queued for peers", metric("frx_outbox_queued")],
    ["Dead letters", metric("frx_dead_letters")],
    ["Trust list expires in (s)", metric("frx_trust_list_expires_in_seconds")],
    ["Audit entries", metric("frx_audit_entries")],
  ]);
}

$("signin-form").addEventListener("submit", (e) => {
  e.preventDefault();
  void (async () => {
    const res = await fetch("/admin/session", {
      method: "POST",
      credentials: "same-origin",
      headers: { authorization: `Bearer ${$("token").value.trim()}` },
    });
    const data = await res.json();
    if (!res.ok) return status(`Sign-in refused: ${data.detail} (${data.code})`, true);
    $("signin").hidden = true;
    $("app").hidden = false;
    await act(() => `Signed in as ${data.operator}`);
  })();
});

$("refresh").addEventListener("click", () => void act(() => "refreshed"));
$("audit-verify").addEventListener(
  "click",
  () =>
    void act(async () => {
      const r = await api("POST", "/audit/verify", {});
      $("audit").textContent = r.ok
        ? `ok: ${r.entries} entries, ${r.checkpoints} checkpoints`
        : `BROKEN at entry ${r.firstBroken.seq}: ${r.firstBroken.reason}`;
      $("audit").className = r.ok ? "ok" : "bad";
      return "audit log verified";
    }),
);

const jwk = (text) => {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error("the key is not JSON (paste the public JWK)");
  }
};

$("agency-add").addEventListener("submit", (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  void act(async () => {
    const a = await api("POST", "/agencies", {
      id: f.get("id"),
      name: f.get("name"),
      roles: String(f.get("roles"))
        .split(",")
        .map((r) => r.trim())
        .filter(Boolean),
      orgType: f.get("orgType"),
      publicJwk: jwk(f.get("publicJwk")),
    });
    e.target.reset();
    return `${a.id} added`;
  });
});

$("agency-key").addEventListener("submit", (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  const id = f.get("id");
  const key = String(f.get("publicJwk") ?? "").trim();
  const action = e.submitter?.value;
  void act(async () => {
    if (action === "rotate") {
      await api("POST", `/agencies/${id}/keys`, { publicJwk: jwk(key) });
      e.target.reset();
      return `${id}'s key rotated`;
    }
    const asOf = String(f.get("revokedAt") ?? "").trim();
    const r = await api("POST", `/agencies/${id}/keys/${f.get("kid")}/revoke`, {
      ...(asOf ? { revokedAt: asOf } : {}),
      ...(key ? { replacement: jwk(key) } : {}),
    });
    e.target.reset();
    return `${id}'s key ${f.get("kid")} revoked; ${r.suspect.length} suspect envelope(s)`;
  });
});
