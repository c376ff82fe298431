import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * True when a container engine answers. Without DOCKER_HOST, a known socket
 * or a testcontainers config file there is nothing to ask, so the answer is
 * immediate; otherwise testcontainers itself is asked, within a time limit.
 */
export async function containerEngineAnswers(timeoutMs = 10_000): Promise<boolean> {
  const candidates = [
    '/var/run/docker.sock',
    join(homedir(), '.docker', 'run', 'docker.sock'),
    join(homedir(), '.testcontainers.properties'),
    process.env.XDG_RUNTIME_DIR ? join(process.env.XDG_RUNTIME_DIR, 'podman', 'podman.sock') : '',
  ].filter(Boolean);
  if (!process.env.DOCKER_HOST && !candidates.some((path) => existsSync(path))) return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('container engine did not answer')), timeoutMs);
    });
    try {
      await Promise.race([getContainerRuntimeClient(), timeout]);
      return true;
    } finally {
      clearTimeout(timer);
    }
  } catch {
    return false;
  }
}
