import type { IncomingMessage } from 'node:http';

/**
 * Whether a WebSocket upgrade may go on, judged by its `Origin` header. A browser always sends
 * the origin of the page that opens a socket, and a page of any site can open one to any
 * host, so without this check any site the user visits could talk to /ws as them given a
 * token. Accepted: no `Origin` at all (not a browser: native clients, servers, the bench), a
 * page served from the same host the request names (`Host`, as the web client's own server —
 * Vite preview, or nginx with the port in `Host` — forwards it), or one of the configured
 * `CORS_ORIGINS` (`*` accepts any origin, as it does for CORS).
 */
export function browserOriginAllowed(request: Pick<IncomingMessage, 'headers'>, allowedOrigins: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (allowedOrigins.includes('*') || allowedOrigins.includes(origin)) return true;
  let host: string;
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    host = url.host;
  } catch {
    // "null" (a sandboxed frame, a file: page) and anything malformed.
    return false;
  }
  return request.headers.host?.toLowerCase() === host;
}
