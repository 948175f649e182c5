/**
 * @jest-environment node
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';

/**
 * The generated types must match the committed OpenAPI snapshot: regenerate them in memory
 * exactly as `npm run generate:api` does and compare. When this fails, run
 * `npm run generate:api -w frontend` (and refresh the snapshot first with
 * `npm run dump:openapi -w frontend` when the backend changed).
 */
describe('src/api/schema.d.ts', () => {
  it('is what openapi-typescript generates from src/api/openapi.json', async () => {
    const snapshot = JSON.parse(readFileSync(join(__dirname, 'openapi.json'), 'utf8')) as Parameters<typeof openapiTS>[0];
    const expected = COMMENT_HEADER + astToString(await openapiTS(snapshot, { silent: true }));
    const committed = readFileSync(join(__dirname, 'schema.d.ts'), 'utf8');
    expect(committed).toBe(expected);
  });

  it('covers every endpoint the client calls', () => {
    const snapshot = JSON.parse(readFileSync(join(__dirname, 'openapi.json'), 'utf8')) as { paths: Record<string, object> };
    for (const path of [
      '/auth/register',
      '/auth/login',
      '/users/me',
      '/users/me/password',
      '/users/me/export',
      '/users',
      '/conversations',
      '/conversations/{id}',
      '/conversations/{id}/messages',
      '/conversations/{id}/read',
    ]) {
      expect(Object.keys(snapshot.paths)).toContain(path);
    }
  });
});
