/**
 * Debian's Chromium (/usr/bin/chromium, or ANYMMAP_CHROMIUM) driven by
 * playwright-core, headless, offline and with a profile of its own: how
 * every browser test starts it.
 */
import { existsSync } from "node:fs";
import { type BrowserContext, chromium } from "playwright-core";

export const CHROMIUM = process.env.ANYMMAP_CHROMIUM ?? "/usr/bin/chromium";
export const chromiumAvailable = existsSync(CHROMIUM);

/** A persistent context over `profile` (a fresh directory). */
export function launchChromium(profile: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
