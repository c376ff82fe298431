import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  KAFKA_VERSION,
  LauncherPrerequisiteError,
  checkJava,
  ensureKafkaJars,
  kafkaJarCacheDir,
} from '../kafka-launcher/index.js';
import { clientPropertiesOf, propertiesText, type RawReaderOptions } from './client-properties.js';
import { parseDumpOutput, type RawDump, type RawRecord } from './raw-record.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const SOURCE = join(HERE, 'RawTopicDump.java');
const LOG_CONFIG = join(HERE, 'raw-topic-dump.log4j2.properties');
const DEFAULT_TIMEOUT_MS = 30_000;
/** Beyond the dump's own bound: JVM start-up and closing the clients. Past it the JVM is killed. */
const JVM_GRACE_MS = 30_000;

export type RawTopicDumpFailure = 'authentication' | 'authorization' | 'timeout' | 'usage' | 'failed';

/** RawTopicDump's exit codes (RawTopicDump.java). */
const FAILURE_OF_EXIT: Record<number, RawTopicDumpFailure> = {
  2: 'authentication',
  3: 'timeout',
  4: 'authorization',
  64: 'usage',
};

export class RawTopicDumpError extends Error {
  override readonly name = 'RawTopicDumpError';

  constructor(
    message: string,
    readonly failure: RawTopicDumpFailure,
    /** Everything the JVM wrote on stderr (the Kafka client's warnings included). */
    readonly stderr: string,
  ) {
    super(message);
  }
}

/**
 * Every record of every non-internal topic, read raw by Apache Kafka's own
 * Java client (RawTopicDump.java) rather than the kafkajs the project
 * publishes with: what the broker holds, as its admin sees it.
 */
export async function readEveryTopicRaw(options: RawReaderOptions): Promise<RawRecord[]> {
  return (await dumpEveryTopicRaw(options)).records;
}

/** readEveryTopicRaw, with the topics seen (an empty list tells "sees no topic" from "topics without records"). */
export async function dumpEveryTopicRaw(options: RawReaderOptions): Promise<RawDump> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const input = propertiesText(clientPropertiesOf(options));
  await checkJava();
  const libsDir = await ensureKafkaJars(KAFKA_VERSION);
  const classesDir = await compiledRawTopicDump(libsDir);
  const args = [
    '-Xmx256m',
    '-XX:+UseSerialGC',
    // A short-lived JVM: C1 only starts faster and the dump is I/O bound.
    '-XX:TieredStopAtLevel=1',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${LOG_CONFIG}`,
    '-cp',
    `${classesDir}:${libsDir}/*`,
    'RawTopicDump',
    // The credentials go in on stdin: not in a file, not in the process list.
    '--config',
    '-',
    '--timeout-ms',
    String(timeoutMs),
  ];
  const { code, stdout, stderr, killed } = await runWithInput('java', args, input, timeoutMs + JVM_GRACE_MS);
  if (killed)
    throw new RawTopicDumpError(
      `RawTopicDump did not finish within ${timeoutMs + JVM_GRACE_MS} ms and was killed`,
      'timeout',
      stderr,
    );
  if (code !== 0) {
    const reason =
      stderr
        .split('\n')
        .filter((line) => line.startsWith('raw-topic-dump: '))
        .at(-1) ?? `raw-topic-dump: exited without a reason; stderr ends:\n${stderr.slice(-2000)}`;
    throw new RawTopicDumpError(`${reason} (exit ${code})`, FAILURE_OF_EXIT[code ?? -1] ?? 'failed', stderr);
  }
  return parseDumpOutput(stdout);
}

/**
 * RawTopicDump.class compiled once per source version into the jar cache
 * (beside the jars it is compiled against). Running the .java directly would
 * compile it in memory on every run, a second or more of CPU each time on a
 * small machine. A temporary folder renamed into place keeps two runs
 * compiling at once from seeing half a folder.
 */
async function compiledRawTopicDump(libsDir: string): Promise<string> {
  const hash = createHash('sha256').update(readFileSync(SOURCE)).digest('hex').slice(0, 16);
  const dir = join(kafkaJarCacheDir(KAFKA_VERSION), 'raw-topic-dump', hash);
  const compiled = () => existsSync(join(dir, 'RawTopicDump.class'));
  if (compiled()) return dir;
  const workDir = `${dir}.compiling-${process.pid}-${Date.now()}`;
  mkdirSync(workDir, { recursive: true });
  try {
    const { code, stdout, stderr } = await runWithInput(
      'javac',
      ['-d', workDir, '-cp', `${libsDir}/*`, '-encoding', 'UTF-8', SOURCE],
      '',
      120_000,
    );
    if (code !== 0) throw new Error(`javac could not compile ${SOURCE} (exit ${code}):\n${stdout}${stderr}`);
    try {
      renameSync(workDir, dir);
    } catch (error) {
      if (!compiled()) throw error; // another run renamed its copy first: theirs is the same source
    }
    return dir;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function runWithInput(
  command: string,
  args: string[],
  input: string,
  killAfterMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, killAfterMs);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stdin.on('error', () => undefined); // a JVM that dies at once closes its stdin; the exit code says why
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        error.code === 'ENOENT'
          ? new LauncherPrerequisiteError(
              `'${command}' was not found on PATH: the raw topic reader needs a JDK 17 or newer ` +
                '(Debian: apt-get install openjdk-17-jdk-headless)',
            )
          : error,
      );
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        killed,
      });
    });
    child.stdin.end(input);
  });
}
