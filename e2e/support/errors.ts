import type { IncomingHttpHeaders } from 'node:http';

/** What the checks read of a response: supertest's, or a raw one (its body parsed from the text). */
export interface AnyResponse {
  status: number;
  headers: IncomingHttpHeaders | Record<string, string>;
  text: string;
  body?: unknown;
}

/**
 * Asserts the API's one error shape (API.md, Conventions): a JSON body with exactly
 * `statusCode` (the response's status), `message` (a string or string[]) and `error`
 * (a string), and nothing that leaks internals: no stack frame, no HTML, no source path.
 */
export function expectError(res: AnyResponse, status: number): void {
  expect({ status: res.status, body: res.body ?? res.text }).toMatchObject({ status });
  expectErrorShape(res);
  expectNoLeak(res.text);
}

/** The error shape alone, for whatever status the response has (its text may echo the request). */
export function expectErrorShape(res: AnyResponse): void {
  const body = (res.body ?? parsedJson(res.text)) as Record<string, unknown>;
  expect(res.headers['content-type']).toMatch(/^application\/json\b/);
  expect(Object.keys(body).sort()).toEqual(['error', 'message', 'statusCode']);
  expect(body.statusCode).toBe(res.status);
  expect(typeof body.error).toBe('string');
  const messages: unknown[] = Array.isArray(body.message) ? body.message : [body.message];
  expect(messages.length).toBeGreaterThan(0);
  for (const message of messages) expect(typeof message).toBe('string');
}

/** No stack trace, no HTML, no file path of the server in a response body. */
export function expectNoLeak(text: string): void {
  expect(text).not.toMatch(/\n\s+at\s/);
  expect(text).not.toMatch(/\bat .*\(.*:\d+:\d+\)/);
  expect(text).not.toMatch(/<\s*(html|body|pre|!doctype)/i);
  expect(text).not.toMatch(/node_modules|\.ts:\d+|\/src\//);
  expect(text).not.toMatch(/QueryFailedError|TypeORM|\bSELECT\b.*\bFROM\b/i);
}

function parsedJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`not a JSON body: ${text.slice(0, 200)}`);
  }
}
