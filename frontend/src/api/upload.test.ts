import { ApiError } from './client';
import { ABORTED, xhrUploader } from './upload';

/** Just enough XMLHttpRequest for the uploader, driven by the test (jsdom's sends nothing anywhere useful). */
class FakeXhr {
  static last: FakeXhr;
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: unknown;
  status = 0;
  response: unknown = null;
  responseType = '';
  aborted = false;
  upload: { onprogress: ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;

  constructor() {
    FakeXhr.last = this;
  }

  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }

  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }

  send(body: unknown) {
    this.body = body;
  }

  abort() {
    this.aborted = true;
    this.onabort?.();
  }

  answer(status: number, response: unknown) {
    this.status = status;
    this.response = response;
    this.onload?.();
  }
}

const file = new File(['hello'], 'hello.txt', { type: 'text/plain' });

beforeEach(() => {
  globalThis.XMLHttpRequest = FakeXhr as unknown as typeof XMLHttpRequest;
});

describe('xhrUploader', () => {
  it('posts the file as multipart field "file" with the token, reports progress, resolves with the Attachment', async () => {
    const onProgress = jest.fn();
    const done = xhrUploader({ baseUrl: '/api', getToken: () => 'tok' })(file, onProgress, new AbortController().signal);
    const xhr = FakeXhr.last;
    expect([xhr.method, xhr.url, xhr.headers.Authorization]).toEqual(['POST', '/api/attachments', 'Bearer tok']);
    expect((xhr.body as FormData).get('file')).toBeInstanceOf(File);
    xhr.upload.onprogress?.({ loaded: 2, total: 5, lengthComputable: true });
    expect(onProgress).toHaveBeenCalledWith({ loaded: 2, total: 5 });
    xhr.answer(201, { id: 'a1', filename: 'hello.txt' });
    await expect(done).resolves.toEqual({ id: 'a1', filename: 'hello.txt' });
  });

  it('rejects with the server’s status and message (413, 415), a 0 when the connection fails, and 401 ends the session', async () => {
    const onUnauthorized = jest.fn();
    const upload = xhrUploader({ getToken: () => 'tok', onUnauthorized });
    const tooBig = upload(file, jest.fn(), new AbortController().signal);
    FakeXhr.last.answer(413, { statusCode: 413, message: 'File too large', error: 'Payload Too Large' });
    await expect(tooBig).rejects.toEqual(new ApiError(413, 'File too large'));

    const offline = upload(file, jest.fn(), new AbortController().signal);
    FakeXhr.last.onerror?.();
    await expect(offline).rejects.toMatchObject({ status: 0 });

    const expired = upload(file, jest.fn(), new AbortController().signal);
    FakeXhr.last.answer(401, { statusCode: 401, message: 'Unauthorized', error: 'Unauthorized' });
    await expect(expired).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('aborts the request when its signal does', async () => {
    const controller = new AbortController();
    const done = xhrUploader({ getToken: () => null })(file, jest.fn(), controller.signal);
    controller.abort();
    expect(FakeXhr.last.aborted).toBe(true);
    await expect(done).rejects.toMatchObject({ name: ABORTED });
  });
});
