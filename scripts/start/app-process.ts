import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

import { parseStrictJson } from '@registry-bus/protocol';

import { LOGS_DIR, ROOT, localUrl } from './local-stack.js';

const LEVEL_WIDTH = 5;

/**
 * One department app run from its TypeScript sources through the project's
 * loader. Its JSON log lines go whole to .local/logs/<app>.log and, shortened,
 * to the terminal.
 */
export class AppProcess {
  private child: ChildProcess | undefined;
  private logFile: WriteStream | undefined;
  private exitCode: number | null = null;
  private readonly recentStderr: string[] = [];

  /**
   * `inherit: false` starts the app with `env` and the PATH alone, nothing of
   * this process's environment: the portal must not be handed a database URL
   * or a password the developer's shell happens to hold (it refuses them).
   */
  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly print: (line: string) => void,
    private readonly options: { inherit: boolean } = { inherit: true },
  ) {}

  /** The app's process id while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get url(): string {
    return localUrl(this.port);
  }

  start(): void {
    this.logFile = createWriteStream(join(LOGS_DIR, `${this.name}.log`), { flags: 'a' });
    const child = spawn(
      process.execPath,
      ['--import', './scripts/ts-loader/register.js', `apps/${this.name}/src/main.ts`],
      {
        cwd: ROOT,
        env: this.options.inherit ? { ...process.env, ...this.env } : { PATH: process.env.PATH ?? '', ...this.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    child.once('exit', (code, signal) => {
      this.exitCode = code ?? (signal ? 128 : -1);
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      this.logFile?.write(`${line}\n`);
      this.print(this.shorten(line));
    });
    createInterface({ input: child.stderr! }).on('line', (line) => {
      this.logFile?.write(`${line}\n`);
      this.recentStderr.push(line);
      if (this.recentStderr.length > 40) this.recentStderr.shift();
      this.print(`${this.name.padEnd(17)} ${line}`);
    });
  }

  get exited(): number | null {
    return this.exitCode;
  }

  get stderrTail(): string {
    return this.recentStderr.join('\n');
  }

  /** Waits for `GET /health` to answer 200; fails early if the process exits. */
  async waitHealthy(timeoutMs: number): Promise<unknown> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
      if (this.exitCode !== null) throw new Error(`${this.name} exited with code ${this.exitCode} while starting`);
      try {
        const response = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(3000) });
        const body: unknown = parseStrictJson(await response.text(), `${this.name}'s /health`);
        if (response.ok) return body;
        last = `${response.status} ${JSON.stringify(body)}`;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
      await sleep(300);
    }
    throw new Error(`${this.name} was not healthy within ${timeoutMs} ms (last answer: ${last})`);
  }

  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child || this.exitCode !== null) return;
    child.kill('SIGTERM');
    const deadline = Date.now() + graceMs;
    while (this.exitCode === null && Date.now() < deadline) await sleep(100);
    if (this.exitCode === null) child.kill('SIGKILL');
    this.logFile?.end();
  }

  private shorten(line: string): string {
    try {
      const entry = parseStrictJson(line, 'a log line') as {
        level?: string;
        msg?: string;
        context?: string;
        time?: string;
      };
      const time = entry.time?.slice(11, 19) ?? '';
      const context = entry.context ? `${entry.context}: ` : '';
      return `${time} ${this.name.padEnd(17)} ${(entry.level ?? '').padEnd(LEVEL_WIDTH)} ${context}${entry.msg ?? line}`;
    } catch {
      return `${this.name.padEnd(17)} ${line}`;
    }
  }
}
