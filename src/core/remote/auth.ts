/**
 * The order of authentication attempts, as OpenSSH's client does it: the agent's keys (unless
 * IdentitiesOnly), then each identity file that exists (asking for its passphrase through
 * `askSecret` when it is encrypted), then a password if the server offers it. Security-key
 * identities (`sk-*`) cannot be used by ssh2: they are skipped and reported, so the error can
 * say to use the OpenSSH client for this device.
 */
import { readFile } from 'node:fs/promises';
import type { AuthMethod } from 'ssh2';
import { ssh2 } from './ssh2-module';
import type { Logger } from '../log';
import type { ResolvedHost } from './ssh-options';

export interface SecretRequest {
  readonly kind: 'passphrase' | 'password';
  readonly prompt: string;
}

/** Asks the user for a secret; undefined means they declined. */
export type AskSecret = (request: SecretRequest) => Promise<string | undefined>;

export interface AuthAttempts {
  /** What was tried, for an AUTH_FAILED message. */
  readonly tried: string[];
  /** Identity files that are security keys, which ssh2 cannot use. */
  readonly securityKeys: string[];
}

type Step = (methodsLeft: readonly string[]) => Promise<AuthMethod | undefined>;

function isSecurityKeyType(type: string): boolean {
  return type.startsWith('sk-');
}

async function readOptional(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch {
    return undefined;
  }
}

function identityStep(host: ResolvedHost, file: string, askSecret: AskSecret | undefined, attempts: AuthAttempts, logger: Logger): Step {
  return async (methodsLeft) => {
    if (!methodsLeft.includes('publickey')) return undefined;
    const data = await readOptional(file);
    if (data === undefined) return undefined;
    const publicText = (await readOptional(`${file}.pub`))?.toString('utf-8') ?? '';
    if (isSecurityKeyType(publicText.split(/\s+/)[0] ?? '') || data.includes('sk-ssh-ed25519@openssh.com') || data.includes('sk-ecdsa-sha2-nistp256@openssh.com')) {
      attempts.securityKeys.push(file);
      return undefined;
    }
    let parsed = ssh2().utils.parseKey(data);
    if (parsed instanceof Error && /passphrase/i.test(parsed.message) && askSecret !== undefined) {
      const passphrase = await askSecret({ kind: 'passphrase', prompt: `Enter the passphrase for the key ${file}` });
      if (passphrase === undefined) return undefined;
      parsed = ssh2().utils.parseKey(data, passphrase);
    }
    if (parsed instanceof Error) {
      logger.warn(`ssh: skipping identity ${file}: ${parsed.message}`);
      attempts.tried.push(`${file} (unusable: ${parsed.message})`);
      return undefined;
    }
    if (isSecurityKeyType(parsed.type)) {
      attempts.securityKeys.push(file);
      return undefined;
    }
    attempts.tried.push(`key ${file}`);
    // The parsed key, not the file: decrypting costs seconds (bcrypt_pbkdf in JavaScript).
    return { type: 'publickey', username: host.user, key: parsed };
  };
}

/** Builds ssh2's `authHandler` for a host; `attempts` fills in as it runs. */
export function makeAuthHandler(
  host: ResolvedHost,
  askSecret: AskSecret | undefined,
  attempts: AuthAttempts,
  logger: Logger,
): (methodsLeft: string[] | null, partial: boolean | null, next: (method: AuthMethod | false) => void) => void {
  const steps: Step[] = [];
  const agent = host.identityAgent;
  if (agent !== undefined && !host.identitiesOnly) {
    steps.push((left) => {
      if (!left.includes('publickey')) return Promise.resolve(undefined);
      attempts.tried.push(`agent ${agent}`);
      return Promise.resolve({ type: 'agent', username: host.user, agent });
    });
  }
  for (const file of host.identityFiles) steps.push(identityStep(host, file, askSecret, attempts, logger));
  if (askSecret !== undefined) {
    // Asked once per connection, then offered as "password" and, for PAM-backed servers, as the
    // answer to keyboard-interactive's password prompt.
    let password: Promise<string | undefined> | undefined;
    const askPassword = (): Promise<string | undefined> =>
      (password ??= askSecret({ kind: 'password', prompt: `Enter the password for ${host.user}@${host.hostname}` }));
    steps.push(async (left) => {
      if (!left.includes('password')) return undefined;
      const secret = await askPassword();
      if (secret === undefined) return undefined;
      attempts.tried.push('password');
      return { type: 'password', username: host.user, password: secret };
    });
    steps.push(async (left) => {
      if (!left.includes('keyboard-interactive')) return undefined;
      const secret = await askPassword();
      if (secret === undefined) return undefined;
      attempts.tried.push('keyboard-interactive');
      return {
        type: 'keyboard-interactive',
        username: host.user,
        // Only a single hidden prompt (the password) can be answered without a terminal.
        prompt: (_name, _instructions, _lang, prompts, finish) => finish(prompts.length === 1 && prompts[0]?.echo === false ? [secret] : prompts.map(() => '')),
      };
    });
  }
  let index = 0;
  return (methodsLeft, _partial, next) => {
    // null before the first attempt: the server has not said yet what it accepts.
    const left = methodsLeft ?? ['publickey', 'password', 'keyboard-interactive'];
    const tryNext = async (): Promise<AuthMethod | false> => {
      while (index < steps.length) {
        const step = steps[index];
        index += 1;
        if (step === undefined) continue;
        const method = await step(left);
        if (method !== undefined) return method;
      }
      return false;
    };
    tryNext().then(next, (error: unknown) => {
      logger.error(error instanceof Error ? error : String(error));
      next(false);
    });
  };
}
