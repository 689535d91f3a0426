/**
 * A real VS Code for tests: code-server (VS Code 1.139 with a Node extension host) on 127.0.0.1,
 * driven by headless Chromium through playwright-core (./vscode-browser.ts, re-exported here;
 * ../shared/PEERS.md).
 *
 *   const server = await startCodeServer({ workspace });
 *   const code = await runExtensionTests(server, { extensionDevelopmentPath, extensionTestsPath });
 *   const ui = await openWorkbench(server); ... await ui.close();
 *   await server.stop();
 *
 * Every server gets its own user-data, extensions, XDG and TMPDIR folders in one temp dir, removed
 * by stop(), which also ends every process the server started (extension host, pty host, ...).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processTree, signalAll, waitForExit } from './process-tree';
import { makeTempDir } from './temp-dir';

export * from './vscode-browser';

const ROOT = join(__dirname, '..', '..');
/** code-server answers /healthz ~0.4 s after start; on 2 busy cores allow far more. */
const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;

export interface CodeServerInstall {
  readonly dir: string;
  readonly node: string;
  readonly entry: string;
}

/** Installs code-server when absent (scripts/install-code-server.sh, idempotent, ~2 min the first
 * time, instant after) and returns where it is. Its progress goes to stderr. */
export function ensureCodeServer(): CodeServerInstall {
  let out: string;
  try {
    out = execFileSync('bash', [join(ROOT, 'scripts', 'install-code-server.sh')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 15 * 60_000,
    });
  } catch (error) {
    throw new Error(`code-server could not be installed by scripts/install-code-server.sh: ${String(error)}`, { cause: error });
  }
  const dir = out.trim().split('\n').pop() ?? '';
  const install = { dir, node: join(dir, 'bin', 'node'), entry: join(dir, 'code-server', 'out', 'node', 'entry.js') };
  if (!existsSync(install.node) || !existsSync(install.entry)) {
    throw new Error(`code-server is not where scripts/install-code-server.sh said (${dir})`);
  }
  return install;
}

export interface CodeServerOptions {
  /** Folder opened by default (`?folder=`); tests pass a copy of their fixture. */
  readonly workspace?: string;
  /** true (default): `--disable-workspace-trust`, every folder trusted. false: VS Code's normal
   * trust model, so a fresh folder opens in restricted mode. */
  readonly trust?: boolean;
  /** .vsix files installed into the server's own extensions folder before it starts. */
  readonly installExtensions?: readonly string[];
  /** Extra environment for the server and therefore the extension host (e.g. nixTestEnv()). */
  readonly env?: Readonly<Record<string, string>>;
  /** Called with the server's folders before it starts, e.g. to put extension folders into
   * extensionsDir (VS Code loads every `<publisher>.<name>-<version>` folder it finds there). */
  readonly prepare?: (dirs: { readonly userDataDir: string; readonly extensionsDir: string }) => void;
  /** User settings, over QUIET_SETTINGS. */
  readonly settings?: Readonly<Record<string, unknown>>;
  readonly install?: CodeServerInstall;
}

/** Settings every test window starts with: no chat/agent features, welcome page, update or
 * telemetry traffic. They only cost start-up time here and fill the test log with noise. */
export const QUIET_SETTINGS: Readonly<Record<string, unknown>> = {
  'chat.disableAIFeatures': true,
  'chat.agent.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'git.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export interface CodeServer {
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  readonly port: number;
  /** The code-server process (leader of the process tree stop() ends). */
  readonly pid: number;
  /** The workbench URL with the default workspace opened. */
  readonly url: string;
  readonly workspace: string | undefined;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** code-server's own stdout and stderr. */
  readonly logFile: string;
  /** Workbench URL for a folder, with optional extra query parameters. */
  urlFor(folder: string | undefined, query?: Readonly<Record<string, string>>): string;
  /** A `vscode-remote://` URI naming a path on the server, as the `payload` parameter wants. */
  remoteUri(path: string): string;
  /** Text of every log file VS Code wrote under the user-data folder whose path matches. */
  readLogs(match: RegExp): string;
  /** Ends the server and all its descendants, then removes its folders. Idempotent. */
  stop(): Promise<void>;
}

function isolatedEnv(base: string, extra: Readonly<Record<string, string>> | undefined, nodeDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // Drop what an enclosing `npm run` or VS Code terminal leaks in: it names node 20 and other editors.
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|VSCODE_|ELECTRON_)/i.test(key)) continue;
    // code-server takes its port and password from these: ours come from the command line.
    if (['PORT', 'PASSWORD', 'HASHED_PASSWORD', 'CODE_SERVER_CONFIG'].includes(key)) continue;
    env[key] = value;
  }
  for (const sub of ['config', 'data', 'cache', 'tmp']) mkdirSync(join(base, sub), { recursive: true });
  return {
    ...env,
    PATH: `${nodeDir}:${env['PATH'] ?? '/usr/bin:/bin'}`,
    XDG_CONFIG_HOME: join(base, 'config'),
    XDG_DATA_HOME: join(base, 'data'),
    XDG_CACHE_HOME: join(base, 'cache'),
    TMPDIR: join(base, 'tmp'),
    ...extra,
  };
}
/** Starts code-server with an isolated profile and waits until it serves. The port is chosen by
 * the kernel (`--bind-addr 127.0.0.1:0`) and read from code-server's log, so parallel servers
 * never race for one. */
export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  const install = options.install ?? ensureCodeServer();
  const temp = makeTempDir('code-server');
  const userDataDir = join(temp.path, 'user-data');
  const extensionsDir = join(temp.path, 'extensions');
  mkdirSync(userDataDir, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...options.settings }, null, 2));
  const env = isolatedEnv(temp.path, options.env, join(install.dir, 'bin'));
  const common = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  try {
    options.prepare?.({ userDataDir, extensionsDir });
    for (const vsix of options.installExtensions ?? []) {
      execFileSync(install.node, [install.entry, ...common, '--install-extension', vsix], { env, stdio: 'pipe', timeout: 120_000 });
    }
  } catch (error) {
    temp.remove();
    throw new Error(`code-server could not be prepared: ${String(error)}`, { cause: error });
  }

  const logFile = join(temp.path, 'code-server.log');
  const logFd = openSync(logFile, 'a');
  const args = [
    install.entry,
    '--bind-addr',
    '127.0.0.1:0',
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    ...(options.trust === false ? [] : ['--disable-workspace-trust']),
    ...common,
    '--vscode-option',
    'enable-smoke-test-driver',
  ];
  const child = spawn(install.node, args, { env, stdio: ['ignore', 'pipe', logFd], detached: true });
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) {
    temp.remove();
    throw new Error('code-server did not start');
  }
  // A test process that dies without calling stop() must not leave a server behind.
  const onExit = (): void => signalAll(processTree(pid), 'SIGKILL');
  process.once('exit', onExit);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      process.removeListener('exit', onExit);
      // Taken before the signal: children that outlive the server are reparented to init and
      // could no longer be found from it.
      const all = processTree(pid);
      signalAll(all, 'SIGTERM');
      if (!(await waitForExit(child, STOP_GRACE_MS))) signalAll(all, 'SIGKILL');
      await waitForExit(child, STOP_GRACE_MS);
      signalAll([...all, ...processTree(pid)], 'SIGKILL');
      temp.remove();
    })();
    return stopped;
  };

  let port: number;
  try {
    port = await listeningPort(child, logFile);
    await waitForHealth(`http://127.0.0.1:${port}/healthz`);
  } catch (error) {
    await stop();
    throw error;
  }
  const origin = `http://127.0.0.1:${port}`;
  const urlFor = (folder: string | undefined, query: Readonly<Record<string, string>> = {}): string => {
    const params = new URLSearchParams();
    if (folder !== undefined) params.set('folder', folder);
    for (const [key, value] of Object.entries(query)) params.set(key, value);
    const search = params.toString();
    return `${origin}/${search === '' ? '' : `?${search}`}`;
  };
  return {
    origin,
    port,
    pid,
    url: urlFor(options.workspace),
    workspace: options.workspace,
    userDataDir,
    extensionsDir,
    logFile,
    urlFor,
    remoteUri: (path) => `vscode-remote://127.0.0.1:${port}${path}`,
    readLogs: (match) => readLogFiles(join(userDataDir, 'logs'), match),
    stop,
  };
}

function listeningPort(child: ChildProcess, logFile: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => fail(`code-server did not report its port within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.stdout?.removeAllListeners('data');
      let log = '';
      try {
        log = readFileSync(logFile, 'utf8').slice(-2000);
      } catch {
        // no log yet
      }
      reject(new Error(`${why}\nstdout:\n${seen.slice(-2000)}\nstderr:\n${log}`));
    };
    child.once('exit', (code, signal) => fail(`code-server exited (${code ?? signal ?? '?'}) before listening`));
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(seen);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        // Keep draining stdout so the server never blocks on a full pipe.
        child.stdout?.removeAllListeners('data');
        child.stdout?.resume();
        child.removeAllListeners('exit');
        resolve(Number(match[1]));
      }
    });
  });
}

async function waitForHealth(url: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    // Polling a socket that is not yet answering: there is no event to wait for.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`code-server at ${url} not healthy: ${last}`);
}

function readLogFiles(dir: string, match: RegExp): string {
  if (!existsSync(dir)) return '';
  let out = '';
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile() && match.test(path)) out += `== ${path}\n${readFileSync(path, 'utf8')}\n`;
  }
  return out;
}

/** Writes an extension that does nothing into `dir` and returns `dir`: the development extension
 * of a test window that tests installed extensions, and the baseline of bench/activation. */
export function writeEmptyExtension(dir: string, name = 'empty'): string {
  mkdirSync(dir, { recursive: true });
  const manifest = {
    name,
    publisher: 'nixos-devices-tests',
    version: '0.0.0',
    engines: { vscode: '^1.80.0' },
    main: './extension.js',
    activationEvents: [],
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, 'extension.js'), 'exports.activate = function () {};\nexports.deactivate = function () {};\n');
  return dir;
}
