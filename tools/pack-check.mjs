#!/usr/bin/env node
// In the checkout, `npx frx-node` and `npx frx-conformance` answer --help (the committed bin
// launchers). Then packs @frx/spec, @frx/sdk, @frx/node and @frx/conformance as npm would publish them, installs
// the tarballs into an empty folder outside the repository, and uses them there as a user
// would: both CLIs answer --help, frx-node creates and starts a node with an agency, and a
// script that imports createClient from @frx/sdk reads that node's verified directory.
// Run after `npm run build` (npm test runs it last). Exit 0 when every check passed.
import { spawn, execFileSync } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const scratch = await mkdtemp(join(tmpdir(), "frx-pack-"));
const app = join(scratch, "app");
const results = [];

function sh(command, args, cwd, timeout = 180_000) {
  return execFileSync(command, args, { cwd, timeout, encoding: "utf8", stdio: "pipe" });
}

async function check(name, fn) {
  try {
    await fn();
    results.push({ name, ok: true });
    process.stdout.write(`ok   ${name}\n`);
  } catch (error) {
    results.push({ name, ok: false });
    const detail = [error.message, error.stdout, error.stderr].filter(Boolean).join("\n");
    process.stdout.write(`FAIL ${name}\n${detail.replace(/^/gm, "     ")}\n`);
  }
}

/** Starts `frx-node start` on a free port; resolves to its URL and a stop function. */
function startNode(dir) {
  const child = spawn(
    join(app, "node_modules", ".bin", "frx-node"),
    ["start", "--dir", dir, "--port", "0"],
    {
      cwd: app,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      child.once("exit", (code) => resolve(code));
      child.kill("SIGTERM");
    });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`frx-node start printed no URL in 20 s:\n${out}`));
    }, 20_000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, stop });
      }
    });
    child.stderr.on("data", (chunk) => void (out += chunk));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`frx-node start exited ${code}:\n${out}`));
    });
  });
}

try {
  for (const bin of ["frx-node", "frx-conformance"])
    await check(`npx ${bin} --help in the checkout`, async () => {
      const out = sh("npx", ["--no-install", bin, "--help"], root);
      if (!out.startsWith("Usage:")) throw new Error(`no usage printed:\n${out}`);
    });

  await check("npm pack of the four packages", async () => {
    for (const w of ["spec", "sdk", "node", "conformance"])
      sh("npm", ["pack", "-w", `@frx/${w}`, "--pack-destination", scratch], root);
    const tarballs = (await readdir(scratch)).filter((f) => f.endsWith(".tgz"));
    if (tarballs.length !== 4) throw new Error(`expected 4 tarballs, found ${tarballs.join(", ")}`);
  });

  await check("npm install of the tarballs into an empty folder", async () => {
    sh("mkdir", ["-p", app], scratch);
    await writeFile(
      join(app, "package.json"),
      '{ "name": "frx-user", "private": true, "type": "module" }\n',
    );
    const tarballs = (await readdir(scratch))
      .filter((f) => f.endsWith(".tgz"))
      .map((f) => join(scratch, f));
    sh(
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefer-offline", ...tarballs],
      app,
      300_000,
    );
  });

  for (const args of [
    ["frx-node", "--help"],
    ["frx-node", "agency", "add", "--help"],
    ["frx-conformance", "--help"],
    ["frx-conformance", "run", "--help"],
  ])
    await check(`npx ${args.join(" ")}`, async () => {
      const out = sh("npx", ["--no-install", ...args], app);
      if (!out.startsWith("Usage:")) throw new Error(`no usage printed:\n${out}`);
    });

  await check(
    "frx-node init, agency keygen and agency add from the installed package",
    async () => {
      const bin = join(app, "node_modules", ".bin", "frx-node");
      sh(bin, ["init", "--dir", "th", "--node", "TH"], app);
      const publicJwk = sh(bin, ["agency", "keygen", "--out", "doe.private.jwk"], app);
      await writeFile(join(app, "doe.public.jwk"), publicJwk);
      sh(
        bin,
        [
          "agency",
          "add",
          "--dir",
          "th",
          "--id",
          "TH:DOE",
          "--name",
          "Labour inspectorate",
          "--roles",
          "labour_inspectorate",
          "--org-type",
          "LabourInspectorate",
          "--key",
          "doe.public.jwk",
        ],
        app,
      );
    },
  );

  await check(
    "a script importing createClient from @frx/sdk reads the node's verified directory",
    async () => {
      const node = await startNode("th");
      try {
        await writeFile(
          join(app, "client.mjs"),
          `import { readFileSync } from "node:fs";
import { createClient } from "@frx/sdk";
const client = createClient({
  nodeUrl: process.argv[2], node: "TH", participant: "TH:DOE",
  privateKey: JSON.parse(readFileSync("doe.private.jwk", "utf8")),
});
const directory = await client.directory();
console.log(directory.find({}).map((p) => p.id).join(","));
await client.close();
`,
        );
        const out = sh(process.execPath, ["client.mjs", node.url], app, 30_000).trim();
        if (out !== "TH:DOE") throw new Error(`directory listed ${out}, not TH:DOE`);
      } finally {
        const code = await node.stop();
        if (code !== 0) throw new Error(`frx-node start exited ${code} on SIGTERM`);
      }
    },
  );
} finally {
  await rm(scratch, { recursive: true, force: true });
}

const failed = results.filter((r) => !r.ok).length;
process.stdout.write(`pack-check: ${results.length - failed} passed, ${failed} failed\n`);
process.exitCode = failed === 0 && results.length > 0 ? 0 : 1;
