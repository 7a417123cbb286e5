import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** What headless Chromium needs on a closed machine run as root. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

/**
 * The cookies of a browser that signed in through the page (`sessionOf`): a context opened with
 * them is the same person signed in, as a second window of the same browser would be.
 */
export type Session = Awaited<ReturnType<BrowserContext['storageState']>>;

/** The session cookies of `context`, without the language a person chose (a new window keeps its own). */
export async function sessionOf(context: BrowserContext): Promise<Session> {
  const state = await context.storageState();
  return { ...state, cookies: state.cookies.filter((c) => c.name !== 'pathways_lang') };
}

let shared: Promise<Browser> | undefined;

/** The test file's one Chromium, launched at its first use and closed after the file's last test. */
function browser(): Promise<Browser> {
  shared ??= chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  return shared;
}

/** Closes the file's Chromium (a test file does after its last test; a benchmark when it is done). */
export async function closeBrowser(): Promise<void> {
  const launched = shared;
  shared = undefined;
  if (launched) await (await launched).close();
}

// In a test run, after the file's last test; outside vitest (the benchmarks) the caller closes it.
if (process.env.VITEST) (await import('vitest')).afterAll(closeBrowser);

/**
 * A real Chromium page in a fresh browser context: its own cookies, storage and cache, as a fresh
 * profile has, in the test file's one Chromium (launching Chromium for each took a second or more;
 * a context takes a few milliseconds). Driven by playwright-core (which downloads no browser).
 * Language and viewport as a person's would be.
 */
export async function openBrowser(
  opts: { locale?: string; width?: number; height?: number; session?: Session } = {},
): Promise<{ context: BrowserContext; page: Page; close: () => Promise<void> }> {
  const context = await (await browser()).newContext({
    ...(opts.session ? { storageState: opts.session } : {}),
    locale: opts.locale ?? 'en-GB',
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  return { context, page, close: () => context.close() };
}
