/**
 * Headless Chromium (playwright-core, Debian's /usr/bin/chromium) driving the VS Code that
 * test/harness/code-server.ts starts: VS Code's extension tests through the `payload` URL
 * parameter, and the plain workbench for Playwright checks and screenshots.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import type { CodeServer } from './code-server';
import { makeTempDir } from './temp-dir';

export const CHROMIUM_PATH = process.env['NIXOS_DEVICES_CHROMIUM'] ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile; HOME and XDG point into it, away from the real home. */
export async function launchBrowser(): Promise<Browser> {
  if (!chromiumAvailable()) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run scripts/install-system-deps.sh (Debian package chromium)`);
  }
  const temp = makeTempDir('chromium');
  const context = await chromium.launchPersistentContext(join(temp.path, 'profile'), {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    env: { ...process.env, HOME: temp.path, XDG_CONFIG_HOME: join(temp.path, 'config'), XDG_CACHE_HOME: join(temp.path, 'cache') },
    timeout: 60_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close().catch(() => undefined);
      temp.remove();
    },
  };
}

export interface ExtensionTestsOptions {
  /** Absolute path on this machine of the extension under development (its package.json folder).
   * VS Code runs extension tests only in a development window: to test an installed extension,
   * pass an unrelated one, e.g. from writeEmptyExtension(). Several load side by side. */
  readonly extensionDevelopmentPath: string | readonly string[];
  /** Absolute path of the bundled module exporting `run(): Promise<void>`. */
  readonly extensionTestsPath: string;
  /** Folder to open; the server's workspace by default. */
  readonly folder?: string;
  /** Each line the tests log; stdout by default. */
  readonly onLog?: (line: string) => void;
  readonly timeoutMs?: number;
}

/** The workbench forwards console calls as (type, args): args[0] may be a printf-style format
 * (mocha's reporters use %s and %d), so format them as console.log would. */
function formatLogArgs(args: unknown): string {
  const list = Array.isArray(args) ? (args as unknown[]) : [args];
  return format(...list);
}

/** Runs VS Code's extension tests in the real extension host: the web client, started with the
 * smoke-test driver enabled, reads extensionDevelopmentPath and extensionTestsPath from the
 * `payload` URL parameter, loads the module, awaits its run() and reports the outcome through
 * `window.codeAutomationExit(code)`. Resolves with that code (0 passed, else failed). */
export async function runExtensionTests(server: CodeServer, options: ExtensionTestsOptions): Promise<number> {
  const onLog = options.onLog ?? ((line: string) => process.stdout.write(`${line}\n`));
  const timeoutMs = options.timeoutMs ?? 300_000;
  const payload = JSON.stringify([
    ...[options.extensionDevelopmentPath].flat().map((path) => ['extensionDevelopmentPath', server.remoteUri(path)]),
    ['extensionTestsPath', server.remoteUri(options.extensionTestsPath)],
  ]);
  const browser = await launchBrowser();
  try {
    let settle: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (settle = resolve));
    await browser.page.exposeFunction('codeAutomationLog', (_type: unknown, args: unknown) => {
      for (const line of formatLogArgs(args).split('\n')) onLog(line);
    });
    await browser.page.exposeFunction('codeAutomationExit', (code: unknown) => {
      settle(typeof code === 'number' ? code : 1);
    });
    browser.page.on('pageerror', (error) => onLog(`[page error] ${error.message}`));
    await browser.page.goto(server.urlFor(options.folder ?? server.workspace, { payload }), { timeout: 60_000 });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new Error(
            `extension tests did not finish within ${timeoutMs / 1000} s\n--- extension host log ---\n${server.readLogs(/exthost|remoteagent/).slice(-4000)}`,
          ),
        );
      }, timeoutMs);
    });
    try {
      return await Promise.race([exited, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await browser.close();
  }
}

export interface Workbench extends Browser {
  /** Saves a screenshot of the whole window. */
  screenshot(path: string): Promise<void>;
}

export interface WorkbenchOptions {
  /** Folder to open; the server's workspace by default. */
  readonly folder?: string;
  /** Load this extension folder as in an Extension Development Host (the `payload` parameter,
   * without tests), so the window shows the working tree's build without installing it. */
  readonly extensionDevelopmentPath?: string;
}

/** Opens the workbench for Playwright-driven checks and waits until the activity bar is drawn. */
export async function openWorkbench(server: CodeServer, options: WorkbenchOptions = {}): Promise<Workbench> {
  const browser = await launchBrowser();
  const query: Record<string, string> = {};
  if (options.extensionDevelopmentPath !== undefined) {
    query['payload'] = JSON.stringify([['extensionDevelopmentPath', server.remoteUri(options.extensionDevelopmentPath)]]);
  }
  try {
    await browser.page.goto(server.urlFor(options.folder ?? server.workspace, query), { timeout: 60_000 });
    await browser.page.locator('.monaco-workbench .activitybar').first().waitFor({ timeout: 120_000 });
  } catch (error) {
    await browser.close();
    throw error;
  }
  return {
    ...browser,
    screenshot: async (path) => {
      await browser.page.screenshot({ path });
    },
  };
}
