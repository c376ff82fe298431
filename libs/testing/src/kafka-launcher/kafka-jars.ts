import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

import { KAFKA_VERSION, LOG4J_VERSION, SCALA_BINARY_VERSION } from './kafka-version.js';

export class LauncherPrerequisiteError extends Error {
  override readonly name = 'LauncherPrerequisiteError';
}

/** Where resolved broker jars are kept between runs (Maven's own ~/.m2 caches the downloads too). */
export function kafkaJarCacheDir(version = KAFKA_VERSION): string {
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(base, 'registry-bus', `kafka-${SCALA_BINARY_VERSION}-${version}`);
}

function pomFor(version: string): string {
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>registry-bus.local</groupId>
  <artifactId>kafka-broker-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_${SCALA_BINARY_VERSION}</artifactId>
      <version>${version}</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>${LOG4J_VERSION}</version>
    </dependency>
  </dependencies>
</project>
`;
}

export function run(
  command: string,
  args: string[],
  options: { cwd?: string; missingHint: string },
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        reject(new LauncherPrerequisiteError(`'${command}' was not found on PATH. ${options.missingHint}`));
      } else {
        reject(error);
      }
    });
    child.once('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

export const JAVA_HINT =
  'The local Kafka launcher needs Java 17 or newer (Debian: apt-get install openjdk-17-jre-headless), ' +
  'or set KAFKA_BROKERS to an existing Kafka.';
const MAVEN_HINT =
  'The local Kafka launcher resolves the broker jars from Maven Central with Maven (Debian: apt-get install maven), ' +
  'or set KAFKA_BROKERS to an existing Kafka.';

/** Checks that `java` runs and is at least version 17. */
export async function checkJava(): Promise<void> {
  const { code, output } = await run('java', ['-version'], { missingHint: JAVA_HINT });
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  const major = match ? Number(match[1] === '1' ? match[2] : match[1]) : NaN;
  if (code !== 0 || !(major >= 17)) {
    throw new LauncherPrerequisiteError(
      `Java 17 or newer is required, found: ${output.split('\n')[0] ?? 'nothing'}. ${JAVA_HINT}`,
    );
  }
}

/**
 * Resolves org.apache.kafka:kafka_2.13 and its runtime dependencies with Maven
 * into a cache folder, once; later calls return at once. The copy goes to a
 * temporary folder renamed into place, so two runs resolving at the same time
 * never see half a folder.
 */
export async function ensureKafkaJars(version = KAFKA_VERSION): Promise<string> {
  const cacheDir = kafkaJarCacheDir(version);
  const libsDir = join(cacheDir, 'libs');
  if (existsSync(join(cacheDir, 'complete'))) return libsDir;

  mkdirSync(cacheDir, { recursive: true });
  const workDir = join(cacheDir, `resolve-${process.pid}-${Date.now()}`);
  mkdirSync(workDir, { recursive: true });
  try {
    writeFileSync(join(workDir, 'pom.xml'), pomFor(version));
    const { code, output } = await run(
      'mvn',
      [
        '-q',
        '-B',
        'dependency:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${join(workDir, 'libs')}`,
      ],
      { cwd: workDir, missingHint: MAVEN_HINT },
    );
    if (code !== 0) {
      throw new LauncherPrerequisiteError(
        `Maven could not resolve org.apache.kafka:kafka_${SCALA_BINARY_VERSION}:${version} (exit ${code}). ` +
          `Is Maven Central reachable?\n${output.slice(-2000)}`,
      );
    }
    if (!readdirSync(join(workDir, 'libs')).some((file) => file.startsWith(`kafka_${SCALA_BINARY_VERSION}-`))) {
      throw new LauncherPrerequisiteError(`Maven finished but no kafka_${SCALA_BINARY_VERSION} jar was copied`);
    }
    if (!existsSync(join(cacheDir, 'complete'))) {
      rmSync(libsDir, { recursive: true, force: true });
      renameSync(join(workDir, 'libs'), libsDir);
      writeFileSync(join(cacheDir, 'complete'), `${new Date().toISOString()}\n`);
    }
    return libsDir;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
