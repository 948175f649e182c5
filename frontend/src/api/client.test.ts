import { installFetch, reply } from '../test-utils/fetchMock';
import { ApiError, attachmentName, createApiClient } from './client';

describe('attachmentName', () => {
  it('reads the filename of Content-Disposition, quoted or not, without folders', () => {
    expect(attachmentName('attachment; filename="chatflow-export-ada-2026-11-24.json"')).toBe('chatflow-export-ada-2026-11-24.json');
    expect(attachmentName('attachment; filename=export.json; size=12')).toBe('export.json');
    expect(attachmentName('attachment; filename="../../etc/passwd"')).toBe('passwd');
    expect(attachmentName('attachment')).toBeNull();
    expect(attachmentName(null)).toBeNull();
  });
});

describe('the API client', () => {
  const api = createApiClient({ getToken: () => 'tok' });

  it('gives a 429 its Retry-After, in seconds', async () => {
    installFetch({ 'GET /users/me/export': () => reply(429, { statusCode: 429, message: 'Too many exports; try again later', error: 'Too Many Requests' }, { 'Retry-After': '42' }) });
    const refusal = (await api.exportData().catch((error: unknown) => error)) as ApiError;
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal).toMatchObject({ status: 429, message: 'Too many exports; try again later', retryAfterSeconds: 42 });
  });

  it('names a download without Content-Disposition after what it is', async () => {
    installFetch({ 'GET /users/me/export': () => reply(200, {}) });
    expect((await api.exportData()).filename).toBe('chatflow-export.json');
  });
});
