export interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  headers: Record<string, string>;
}

export type Reply = { status: number; body?: unknown; headers?: Record<string, string> };
type Handler = (call: Call) => Reply | Promise<Reply>;

export function reply(status: number, body?: unknown, headers?: Record<string, string>): Reply {
  return { status, body, headers };
}

/** The part of Headers the client reads (jsdom has no Headers), names in any case. */
function headersOf(given: Record<string, string> = {}): Pick<Headers, 'get' | 'has'> {
  const byName = new Map(Object.entries(given).map(([name, value]) => [name.toLowerCase(), value]));
  return { get: (name) => byName.get(name.toLowerCase()) ?? null, has: (name) => byName.has(name.toLowerCase()) };
}

/**
 * Replaces global fetch with a router: `routes` maps "METHOD /path" (the path may contain a
 * `*` segment) to a handler. Unrouted requests answer 404 so a forgotten route fails loudly.
 */
export function installFetch(routes: Record<string, Handler>) {
  const calls: Call[] = [];
  const entries = Object.entries(routes).map(([key, handler]) => {
    const [method, pattern] = key.split(' ') as [string, string];
    const regex = new RegExp('^' + pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]+') + '$');
    return { method, regex, handler };
  });
  const fetchMock = jest.fn(async (input: string, init: RequestInit = {}) => {
    const url = new URL(input, 'http://localhost');
    const call: Call = {
      method: init.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      headers: (init.headers ?? {}) as Record<string, string>,
    };
    calls.push(call);
    const route = entries.find((r) => r.method === call.method && r.regex.test(call.path));
    const { status, body, headers } = route ? await route.handler(call) : reply(404, { statusCode: 404, message: 'Not Found', error: 'Not Found' });
    return {
      ok: status >= 200 && status < 300,
      status,
      headers: headersOf(headers),
      json: async () => body,
      blob: async () => new Blob([typeof body === 'string' ? body : JSON.stringify(body)], { type: 'application/json' }),
    } as Response;
  });
  globalThis.fetch = fetchMock as unknown as typeof fetch;
  return { calls, fetchMock };
}
