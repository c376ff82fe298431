import { request as httpsRequest } from 'node:https';

/**
 * What a raw TLS client on the network gets from `GET url`, trusting exactly
 * `ca` (and dialling `servername` when given): the HTTP status, or the code of
 * the TLS error that stopped it. Not the apps' own client: nothing the process
 * trusts by default helps it.
 */
export function tlsProbe(url: string, options: { ca: readonly string[]; servername?: string }): Promise<string> {
  return new Promise((resolve) => {
    const request = httpsRequest(
      url,
      { ca: [...options.ca], ...(options.servername ? { servername: options.servername } : {}) },
      (response) => {
        response.resume();
        resolve(String(response.statusCode));
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    request.setTimeout(5000, () => request.destroy(new Error('timeout')));
    request.end();
  });
}
