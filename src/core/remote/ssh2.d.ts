/**
 * The narrow part of ssh2 1.17's API that core/remote uses, typed by hand: @types/ssh2 pulls in
 * @types/node 18 beside our Node 20 types. Only core/remote imports 'ssh2'. If @types/ssh2 is
 * ever added as a devDependency, delete this file.
 */
declare module 'ssh2' {
  import type { Duplex, Readable, Writable } from 'node:stream';
  import type { EventEmitter } from 'node:events';

  export type AuthMethod =
    | { readonly type: 'none'; readonly username: string }
    | { readonly type: 'password'; readonly username: string; readonly password: string }
    | { readonly type: 'agent'; readonly username: string; readonly agent: string }
    | {
        readonly type: 'publickey';
        readonly username: string;
        readonly key: Buffer | string | ParsedKey;
        readonly passphrase?: string;
      }
    | {
        readonly type: 'keyboard-interactive';
        readonly username: string;
        readonly prompt: (
          name: string,
          instructions: string,
          lang: string,
          prompts: readonly { prompt: string; echo: boolean }[],
          finish: (answers: string[]) => void,
        ) => void;
      };

  export interface ConnectConfig {
    host?: string;
    port?: number;
    username?: string;
    sock?: Duplex;
    readyTimeout?: number;
    keepaliveInterval?: number;
    keepaliveCountMax?: number;
    algorithms?: { serverHostKey?: string[] };
    hostVerifier?: (key: Buffer, verify: (valid: boolean) => void) => void;
    authHandler?: (
      methodsLeft: string[] | null,
      partialSuccess: boolean | null,
      next: (method: AuthMethod | false) => void,
    ) => void;
    debug?: (message: string) => void;
  }

  export interface ExecOptions {
    env?: Record<string, string>;
  }

  export interface ClientChannel extends Duplex {
    readonly stderr: Readable;
    signal(signalName: string): boolean;
    close(): boolean;
  }

  export interface Stats {
    mode: number;
    uid: number;
    gid: number;
    size: number;
    atime: number;
    mtime: number;
    isDirectory(): boolean;
    isFile(): boolean;
    isSymbolicLink(): boolean;
  }

  export interface FileEntry {
    filename: string;
    longname: string;
    attrs: Stats;
  }

  type Callback<T> = (err: Error | undefined | null, value: T) => void;

  export interface SFTPWrapper extends EventEmitter {
    readFile(path: string, callback: Callback<Buffer>): void;
    writeFile(path: string, data: Buffer, options: { mode?: number }, callback: (err?: Error | null) => void): void;
    readlink(path: string, callback: Callback<string>): void;
    lstat(path: string, callback: Callback<Stats>): void;
    stat(path: string, callback: Callback<Stats>): void;
    readdir(path: string, callback: Callback<FileEntry[]>): void;
    rename(src: string, dest: string, callback: (err?: Error | null) => void): void;
    ext_openssh_rename(src: string, dest: string, callback: (err?: Error | null) => void): void;
    unlink(path: string, callback: (err?: Error | null) => void): void;
    createWriteStream(path: string, options?: { mode?: number; flags?: string }): Writable;
    createReadStream(path: string): Readable;
    end(): void;
  }

  export class Client extends EventEmitter {
    connect(config: ConnectConfig): this;
    exec(command: string, callback: (err: Error | undefined, channel: ClientChannel) => void): this;
    exec(command: string, options: ExecOptions, callback: (err: Error | undefined, channel: ClientChannel) => void): this;
    sftp(callback: (err: Error | undefined, sftp: SFTPWrapper) => void): this;
    forwardOut(
      srcIP: string,
      srcPort: number,
      dstIP: string,
      dstPort: number,
      callback: (err: Error | undefined, channel: ClientChannel) => void,
    ): this;
    end(): this;
    destroy(): this;
  }

  export interface ParsedKey {
    readonly type: string;
    readonly comment: string;
    getPublicSSH(): Buffer;
    isPrivateKey(): boolean;
  }

  export const utils: {
    parseKey(data: Buffer | string, passphrase?: string): ParsedKey | Error;
  };
}
