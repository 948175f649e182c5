import type { Response } from 'supertest';

/**
 * Asserts the API's one error shape (API.md, Conventions): a JSON body with exactly
 * `statusCode` (the response's status), `message` (a string or string[]) and `error`
 * (a string), and nothing that leaks internals: no stack frame, no HTML, no source path.
 */
export function expectError(res: Response, status: number): void {
  const body = res.body as Record<string, unknown>;
  expect({ status: res.status, body }).toMatchObject({ status });
  expect(res.headers['content-type']).toMatch(/^application\/json\b/);
  expect(Object.keys(body).sort()).toEqual(['error', 'message', 'statusCode']);
  expect(body.statusCode).toBe(status);
  expect(typeof body.error).toBe('string');
  const messages: unknown[] = Array.isArray(body.message) ? body.message : [body.message];
  expect(messages.length).toBeGreaterThan(0);
  for (const message of messages) expect(typeof message).toBe('string');
  expectNoLeak(res.text);
}

/** No stack trace, no HTML, no file path of the server in a response body. */
export function expectNoLeak(text: string): void {
  expect(text).not.toMatch(/\n\s+at\s/);
  expect(text).not.toMatch(/\bat .*\(.*:\d+:\d+\)/);
  expect(text).not.toMatch(/<\s*(html|body|pre|!doctype)/i);
  expect(text).not.toMatch(/node_modules|\.ts:\d+|\/src\//);
  expect(text).not.toMatch(/QueryFailedError|TypeORM|\bSELECT\b.*\bFROM\b/i);
}
