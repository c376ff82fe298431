import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** What the proxy does to connections right now. */
export type FaultMode =
  | { kind: 'pass' }
  /** Every open connection reset, every new one reset at once: the service is gone. */
  | { kind: 'cut' }
  /** Every byte held back this long in each direction: a slow network. */
  | { kind: 'delay'; ms: number };

/**
 * A TCP proxy on 127.0.0.1 between an app and a service (Postgres, a Kafka
 * bootstrap) that drills switch between passing, cutting and delaying
 * connections — without touching the service itself, so the machine's
 * shared Postgres cluster is never restarted by a drill.
 */
export class FaultProxy {
  private server: Server | undefined;
  private mode: FaultMode = { kind: 'pass' };
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {
    if (target.host !== '127.0.0.1' && target.host !== 'localhost')
      throw new Error(`the fault proxy forwards to 127.0.0.1 only, not ${target.host}`);
  }

  async start(): Promise<number> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as { port: number }).port;
    return this.port;
  }

  /** `postgres://u:p@127.0.0.1:5432/db` → the same URL through the proxy. */
  proxied(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString();
  }

  set(mode: FaultMode): void {
    this.mode = mode;
    if (mode.kind === 'cut') for (const socket of this.sockets) socket.resetAndDestroy();
  }

  cut(): void {
    this.set({ kind: 'cut' });
  }

  restore(): void {
    this.set({ kind: 'pass' });
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(client: Socket): void {
    if (this.mode.kind === 'cut') {
      client.resetAndDestroy();
      return;
    }
    const upstream = createConnection({ host: this.target.host, port: this.target.port });
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    this.pipe(client, upstream);
    this.pipe(upstream, client);
  }

  private pipe(from: Socket, to: Socket): void {
    from.on('data', (chunk: Buffer) => {
      const mode = this.mode;
      if (mode.kind === 'cut') return;
      if (mode.kind === 'delay') setTimeout(() => to.writable && to.write(chunk), mode.ms);
      else if (to.writable) to.write(chunk);
    });
    from.on('end', () => to.end());
  }
}
