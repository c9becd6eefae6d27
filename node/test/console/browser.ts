import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

/** Debian's chromium: .ci/run installs it when missing. */
export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  process.stderr.write(
    `notice: ${CHROMIUM} is missing, so the operator console's browser tests are skipped (apt-get install -y chromium)\n`,
  );

/** Headless Chromium with a fresh profile, nothing fetched from outside. */
export async function launch(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), "frx-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Screenshots go into docs/ only when FRX_SCREENSHOTS=1 asks, so CI leaves the tree clean. */
export const screenshotDir =
  process.env.FRX_SCREENSHOTS === "1"
    ? join(import.meta.dirname, "..", "..", "..", "docs", "images")
    : null;
