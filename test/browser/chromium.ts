/**
 * Debian's chromium, driven by playwright-core (no browser download): where it lives, the flags
 * that work in a container without a GPU or sandbox, and a launch that says plainly when it is
 * missing.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env['SADDLE_CHROMIUM'] ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined when they can. */
export const chromiumMissing = (): string | undefined =>
  existsSync(CHROMIUM)
    ? undefined
    : `browser tests: no chromium at ${CHROMIUM} (install it with \`apt-get install -y chromium\`, or set SADDLE_CHROMIUM)`;

/** A fresh headless chromium with its own profile directory; close the context when done. */
export const launch = async (): Promise<{ browser: Browser; context: BrowserContext }> => {
  const profile = mkdtempSync(join(tmpdir(), 'saddle-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1200, height: 900 },
  });
  const browser = context.browser();
  if (browser === null) throw new Error('chromium started without a browser handle');
  return { browser, context };
};
