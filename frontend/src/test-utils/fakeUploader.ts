import { act } from '@testing-library/react';
import { ApiError, type Attachment } from '../api/client';
import { ABORTED, type Uploader, type UploadProgress } from '../api/upload';
import { makeAttachment } from './fixtures';

/** One upload the test drives: its progress, and how it ends. */
export interface FakeUpload {
  file: File;
  aborted: boolean;
  progress: (loaded: number) => void;
  /** The server stored it: resolves with an Attachment for the file (or the one given), once the page has taken it. */
  finish: (attachment?: Partial<Attachment>) => Promise<Attachment>;
  /** The server refused it with `status` (0: the connection failed). */
  fail: (status: number, message?: string) => Promise<void>;
}

/** POST /attachments played by the test (jsdom has no upload progress): each call waits until the test ends it. */
export function createFakeUploader() {
  const uploads: FakeUpload[] = [];
  const upload: Uploader = (file, onProgress: (progress: UploadProgress) => void, signal) =>
    new Promise<Attachment>((resolve, reject) => {
      const entry: FakeUpload = {
        file,
        aborted: false,
        progress: (loaded) => act(() => onProgress({ loaded, total: file.size })),
        finish: async (overrides = {}) => {
          const attachment = makeAttachment({ filename: file.name, content_type: file.type, size: file.size, ...overrides });
          await act(async () => resolve(attachment));
          return attachment;
        },
        fail: (status, message = 'Refused') => act(async () => reject(new ApiError(status, message))),
      };
      signal.addEventListener('abort', () => {
        entry.aborted = true;
        reject(new DOMException('The upload was cancelled', ABORTED));
      });
      uploads.push(entry);
    });
  return {
    upload,
    uploads,
    /** The newest upload started. */
    latest: (): FakeUpload => {
      const last = uploads[uploads.length - 1];
      if (!last) throw new Error('nothing was uploaded');
      return last;
    },
  };
}

/**
 * URL.createObjectURL and revokeObjectURL for jsdom (which has neither): each file gets
 * `blob:preview-N`; the returned lists say what was made and let go.
 */
export function installObjectUrls() {
  const created: string[] = [];
  const revoked: string[] = [];
  beforeEach(() => {
    created.length = 0;
    revoked.length = 0;
    URL.createObjectURL = () => {
      const url = `blob:preview-${created.length + 1}`;
      created.push(url);
      return url;
    };
    URL.revokeObjectURL = (url: string) => void revoked.push(url);
  });
  return { created, revoked };
}

/** A file of `size` bytes (its content does not matter here). */
export function fileOf(name: string, type: string, size = 1024): File {
  const file = new File(['x'], name, { type });
  Object.defineProperty(file, 'size', { value: size });
  return file;
}
