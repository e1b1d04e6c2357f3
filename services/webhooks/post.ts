// POST a signed body to a registered URL (partner webhook, case callback) through the URL
// guard: the URL is checked again, the connection only goes to addresses the guard passed
// after DNS resolution, and a redirect is a failed delivery, never followed.
import * as http from 'node:http';
import * as https from 'node:https';
import { checkUrlSyntax, guardedLookup, type UrlPolicy } from '../security/url-guard';

/** null on a 2xx, else a short reason. Never returns the headers (they carry the signature). */
export async function postGuarded(rawUrl: string, body: string, headers: Record<string, string>, options: { timeoutMs: number; policy: UrlPolicy; what: string }): Promise<string | null> {
  let url: URL;
  try {
    url = checkUrlSyntax(rawUrl, options.policy, options.what);
  } catch (error) {
    return `refused: ${(error as Error).message}`;
  }
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const req = client.request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: guardedLookup(options.policy, options.what) as never,
      timeout: options.timeoutMs,
      agent: false,
    }, (res) => {
      res.resume();
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(null);
        else if (status >= 300 && status < 400) resolve(`HTTP ${status} (redirects are not followed)`);
        else resolve(`HTTP ${status}`);
      });
      res.on('error', () => resolve('response aborted'));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (error: Error & { code?: string }) => {
      resolve(error.name === 'ForbiddenDestinationError' ? `refused: ${error.message}` : error.code ?? error.name ?? 'network error');
    });
    req.end(body);
  });
}
