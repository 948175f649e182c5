import { DEFAULT_ATTACHMENT_MAX_BYTES, MAX_ATTACHMENTS_PER_MESSAGE } from '@chatflow/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, type Attachment } from '../api/client';
import type { Uploader } from '../api/upload';
import { attachmentKind, megabytes, type AttachmentKind } from '../lib/attachments';
import type { OutgoingFiles } from '../store/outbox';

export type { OutgoingFiles };

/** A file the user picked for the next message, uploading as soon as it is picked. */
export interface TrayFile {
  key: string;
  name: string;
  size: number;
  kind: AttachmentKind;
  /** A picture's preview (an object URL of the file itself, revoked when it leaves the tray unsent). */
  previewUrl?: string;
  state: 'uploading' | 'done' | 'failed';
  /** Bytes sent so far, of `total`. */
  loaded: number;
  total: number;
  /** The server's Attachment, once uploaded. */
  attachment?: Attachment;
  /** Why it failed, in words for the user. */
  error?: string;
  /** Whether trying again may work (the connection failed), rather than the file being refused. */
  retryable?: boolean;
}


export interface AttachmentTrayOptions {
  upload: Uploader;
  /** The chat the files are for: another chat starts with an empty tray (what was in it is cancelled). */
  scope: string;
  /** The largest file the server takes (ATTACHMENT_MAX_BYTES): larger ones are refused here without uploading them. */
  maxBytes?: number;
}

/** Why an upload failed, as the tray says it, and whether a retry may help. */
export function uploadError(error: unknown, maxBytes: number): { error: string; retryable: boolean } {
  const status = error instanceof ApiError ? error.status : 0;
  if (status === 413) {
    // The server's own limit when its refusal names it ("at most 10485760 bytes"), else the one this client knows.
    const limit = Number(/(\d+) bytes/u.exec(error instanceof Error ? error.message : '')?.[1] ?? maxBytes);
    return { error: `Too big to send (max ${megabytes(limit)} MB)`, retryable: false };
  }
  if (status === 415) return { error: "This type of file can't be sent", retryable: false };
  if (status === 0 || status >= 500 || status === 429) return { error: 'Upload failed. Check your connection and retry.', retryable: true };
  return { error: error instanceof Error ? error.message : 'Upload failed', retryable: false };
}

let counter = 0;

/**
 * The composer's tray of files for the next message: each file uploads as soon as it is
 * picked (dropped, pasted), with its progress; one can be removed (its upload aborted) or, if
 * the connection failed, retried. At most MAX_ATTACHMENTS_PER_MESSAGE. `take` hands the
 * uploaded files to a message and empties the tray; the previews go with them (the outbox
 * revokes them once the server has the message). Leaving the chat cancels what is unsent.
 */
export function useAttachmentTray({ upload, scope, maxBytes = DEFAULT_ATTACHMENT_MAX_BYTES }: AttachmentTrayOptions) {
  const [files, setFiles] = useState<TrayFile[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const controllers = useRef(new Map<string, AbortController>());
  const sources = useRef(new Map<string, File>());
  // The list as of the last change (what the callbacks read; `files` is what renders).
  const current = useRef<TrayFile[]>([]);
  // Called once nothing is uploading any more (a send waits for that).
  const settled = useRef<((ok: boolean) => void) | null>(null);

  const update = useCallback((change: (list: TrayFile[]) => TrayFile[]) => {
    current.current = change(current.current);
    setFiles(current.current);
    if (!settled.current || current.current.some((f) => f.state === 'uploading')) return;
    const done = settled.current;
    settled.current = null;
    done(current.current.length > 0 && current.current.every((f) => f.state === 'done'));
  }, []);

  const patch = useCallback(
    (key: string, change: Partial<TrayFile>) => update((list) => list.map((f) => (f.key === key ? { ...f, ...change } : f))),
    [update],
  );

  const start = useCallback(
    (key: string, file: File) => {
      if (file.size > maxBytes) {
        patch(key, { state: 'failed', ...uploadError(new ApiError(413, 'Payload Too Large'), maxBytes) });
        return;
      }
      const controller = new AbortController();
      controllers.current.set(key, controller);
      patch(key, { state: 'uploading', loaded: 0, error: undefined, retryable: undefined });
      upload(file, ({ loaded, total }) => patch(key, { loaded, total }), controller.signal).then(
        (attachment) => {
          controllers.current.delete(key);
          patch(key, { state: 'done', attachment, loaded: file.size });
        },
        (error: unknown) => {
          controllers.current.delete(key);
          if (controller.signal.aborted) return;
          patch(key, { state: 'failed', ...uploadError(error, maxBytes) });
        },
      );
    },
    [maxBytes, patch, upload],
  );

  const add = useCallback(
    (picked: File[]) => {
      const room = MAX_ATTACHMENTS_PER_MESSAGE - current.current.length;
      const taken = picked.slice(0, Math.max(0, room));
      setNotice(picked.length > taken.length ? `You can send up to ${MAX_ATTACHMENTS_PER_MESSAGE} files in one message.` : null);
      const added = taken.map((file): TrayFile => {
        counter += 1;
        const key = `file-${counter}`;
        sources.current.set(key, file);
        const kind = attachmentKind({ content_type: file.type || 'application/octet-stream' });
        return {
          key,
          name: file.name || (kind === 'image' ? 'Pasted image' : 'File'),
          size: file.size,
          kind,
          previewUrl: kind === 'image' ? URL.createObjectURL(file) : undefined,
          state: 'uploading',
          loaded: 0,
          total: file.size,
        };
      });
      if (!added.length) return;
      update((list) => [...list, ...added]);
      for (const entry of added) start(entry.key, sources.current.get(entry.key)!);
    },
    [start, update],
  );

  const forget = useCallback((key: string) => {
    controllers.current.get(key)?.abort();
    controllers.current.delete(key);
    sources.current.delete(key);
  }, []);

  const remove = useCallback(
    (key: string) => {
      const entry = current.current.find((f) => f.key === key);
      forget(key);
      if (entry?.previewUrl) URL.revokeObjectURL(entry.previewUrl);
      setNotice(null);
      update((list) => list.filter((f) => f.key !== key));
    },
    [forget, update],
  );

  const retry = useCallback(
    (key: string) => {
      const file = sources.current.get(key);
      if (file) start(key, file);
    },
    [start],
  );

  /** The uploaded files for a message; the tray is empty after. */
  const take = useCallback((): OutgoingFiles => {
    const done = current.current.filter((f) => f.state === 'done' && f.attachment);
    const previews: Record<string, string> = {};
    for (const f of done) if (f.previewUrl) previews[f.attachment!.id] = f.previewUrl;
    for (const f of current.current) {
      forget(f.key);
      if (f.previewUrl && f.state !== 'done') URL.revokeObjectURL(f.previewUrl);
    }
    current.current = [];
    setFiles([]);
    setNotice(null);
    return { attachments: done.map((f) => f.attachment!), previews };
  }, [forget]);

  /** Calls `then` once no file is uploading (now, if none is): `ok` when every file in the tray is uploaded. */
  const whenUploaded = useCallback(
    (then: (ok: boolean) => void) => {
      settled.current = then;
      update((list) => list);
    },
    [update],
  );

  // Leaving the chat: uploads still running stop, and the previews of files not sent are let go.
  useEffect(
    () => () => {
      for (const f of current.current) {
        forget(f.key);
        if (f.previewUrl) URL.revokeObjectURL(f.previewUrl);
      }
      current.current = [];
      settled.current = null;
      setFiles([]);
      setNotice(null);
    },
    [scope, forget],
  );

  return {
    files,
    /** Said once when more than the limit were picked. */
    notice,
    add,
    remove,
    retry,
    take,
    whenUploaded,
    uploading: files.some((f) => f.state === 'uploading'),
    failed: files.some((f) => f.state === 'failed'),
  };
}

export type AttachmentTray = ReturnType<typeof useAttachmentTray>;
