import { ApiError, isErrorBody, type Attachment } from './client';

/** How far an upload has got, in bytes. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

/**
 * Sends one file to `POST /attachments` (multipart, field `file`): resolves with the stored
 * Attachment; rejects with an ApiError (413 too big, 415 a type the server refuses, 0 the
 * server could not be reached) or, when `signal` aborts it, with an AbortError.
 */
export type Uploader = (file: File, onProgress: (progress: UploadProgress) => void, signal: AbortSignal) => Promise<Attachment>;

export interface XhrUploaderOptions {
  baseUrl?: string;
  getToken: () => string | null;
  onUnauthorized?: () => void;
}

/** The name of the rejection of an upload that was cancelled (as fetch names its own). */
export const ABORTED = 'AbortError';

/**
 * The browser's uploader: XMLHttpRequest, because it reports upload progress (fetch has no
 * upload progress without request streams, which need HTTP/2 and are not everywhere yet).
 */
export function xhrUploader({ baseUrl = '', getToken, onUnauthorized }: XhrUploaderOptions): Uploader {
  return (file, onProgress, signal) =>
    new Promise<Attachment>((resolve, reject) => {
      if (signal.aborted) {
        reject(new DOMException('The upload was cancelled', ABORTED));
        return;
      }
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `${baseUrl}/attachments`);
      const token = getToken();
      if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.responseType = 'json';
      xhr.upload.onprogress = (event) => onProgress({ loaded: event.loaded, total: event.lengthComputable ? event.total : file.size });
      xhr.onload = () => {
        const body: unknown = xhr.response;
        if (xhr.status === 201 || xhr.status === 200) {
          resolve(body as Attachment);
          return;
        }
        if (xhr.status === 401 && token) onUnauthorized?.();
        const message = isErrorBody(body) ? [body.message].flat().join('; ') : `Upload failed (${xhr.status})`;
        reject(new ApiError(xhr.status, message, isErrorBody(body) ? body : undefined));
      };
      xhr.onerror = () => reject(new ApiError(0, 'Cannot reach ChatFlow. Check your connection and try again.'));
      xhr.onabort = () => reject(new DOMException('The upload was cancelled', ABORTED));
      signal.addEventListener('abort', () => xhr.abort(), { once: true });
      const form = new FormData();
      form.append('file', file, file.name);
      xhr.send(form);
    });
}
