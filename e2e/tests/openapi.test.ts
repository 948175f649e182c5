import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApp, TestApp } from '../support/app';

/**
 * The web client's API types are generated from a committed snapshot of the OpenAPI
 * document; this fails when the server's document has moved on without it.
 */
describe('the web client’s OpenAPI snapshot', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  it('is the document the server publishes (refresh: npm start, then npm run dump:openapi -w frontend)', async () => {
    const live = await t.http().get('/docs-json');
    const snapshot = JSON.parse(readFileSync(join(__dirname, '..', '..', 'frontend', 'src', 'api', 'openapi.json'), 'utf8'));
    expect(live.status).toBe(200);
    expect(snapshot).toEqual(live.body);
  });

  it('has Swagger UI forget a token typed into it (persistAuthorization off: nothing in localStorage)', async () => {
    const init = await t.http().get('/docs/swagger-ui-init.js');
    expect(init.status).toBe(200);
    expect(init.text).toMatch(/"persistAuthorization":\s*false/);
  });
});
