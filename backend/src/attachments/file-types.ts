import { createReadStream } from 'node:fs';
import { extname } from 'node:path';

/** Images that are re-encoded (metadata stripped) and get a thumbnail. */
export const PROCESSED_IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/heic', 'image/heif', 'image/avif']);

/** Types accepted as detected from the bytes: images, PDF, office documents; audio/* and video/* too (see allowedType). */
const ALLOWED_TYPES = new Set([
  ...PROCESSED_IMAGE_TYPES,
  'application/pdf',
  'application/rtf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
]);

/** Audio and video formats a browser or a media player can open, as file-type names them. */
const MEDIA_PREFIXES = ['audio/', 'video/'];

/** Legacy Office files are one container format (CFB): which program opens it, the name tells. */
const LEGACY_OFFICE: Record<string, string> = {
  '.doc': 'application/msword',
  '.xls': 'application/vnd.ms-excel',
  '.ppt': 'application/vnd.ms-powerpoint',
};

export const TEXT_TYPE = 'text/plain; charset=utf-8';

/**
 * The type an upload is stored and served as, judged from its bytes (`detected`, file-type's
 * verdict) and never from its name — except to tell which legacy Office program a CFB file is
 * for; undefined when it is outside the allow-list (415). Bytes file-type does not know are
 * plain text when they are UTF-8 without control characters other than white space.
 */
export function allowedType(detected: string | undefined, filename: string, isText: boolean): string | undefined {
  if (detected === undefined) return isText ? TEXT_TYPE : undefined;
  if (ALLOWED_TYPES.has(detected) || MEDIA_PREFIXES.some((prefix) => detected.startsWith(prefix))) return detected;
  if (detected === 'application/x-cfb') return LEGACY_OFFICE[extname(filename).toLowerCase()];
  return undefined;
}

/** C0 controls other than tab, newline, form feed and carriage return. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\x00-\x08\x0b\x0e-\x1f]/;

/** Whether the file is UTF-8 text (no NUL or other C0 control but tab, newline, carriage return, form feed). */
export async function isUtf8Text(path: string): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(path)) {
      const bytes = chunk as Buffer;
      // Native scans (a regular expression over the bytes as latin1, then the decoder), not a loop in JavaScript.
      if (CONTROL_CHARACTERS.test(bytes.toString('latin1'))) return false;
      decoder.decode(bytes, { stream: true });
    }
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}

/** The most bytes a stored file name keeps (UTF-8), as most file systems allow. */
const MAX_FILENAME_BYTES = 200;

/**
 * A file name safe to store and show: no folders, no control or bidirectional-override
 * characters (which can disguise `exe.png` as `png.exe`), no leading dots or trailing dots
 * and spaces, NFC, at most 200 bytes with its extension kept; "file" when nothing is left.
 */
export function sanitizeFilename(raw: string): string {
  let name = raw.normalize('NFC').split(/[/\\]/).pop() ?? '';
  name = name
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, '')
    .replace(/["<>:|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  if (Buffer.byteLength(name, 'utf8') > MAX_FILENAME_BYTES) {
    const extension = extname(name).slice(0, 16);
    let stem = name.slice(0, name.length - extname(name).length);
    while (Buffer.byteLength(stem + extension, 'utf8') > MAX_FILENAME_BYTES) stem = [...stem].slice(0, -1).join('');
    name = stem + extension;
  }
  return name || 'file';
}

/** A Content-Disposition header value: an ASCII fallback name and the real one (RFC 6266 / 5987). */
export function contentDisposition(disposition: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
