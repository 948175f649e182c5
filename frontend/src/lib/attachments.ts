import type { Attachment, Message } from '../api/client';

/** How a message shows a file: a picture, a player, or a card to download it from. */
export type AttachmentKind = 'image' | 'video' | 'audio' | 'file';

export function attachmentKind(attachment: Pick<Attachment, 'content_type'>): AttachmentKind {
  const type = attachment.content_type.toLowerCase();
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('audio/')) return 'audio';
  return 'file';
}

/**
 * What the file input offers: the kinds the server accepts — pictures, audio, video, PDF, text
 * and office documents. The server judges each file from its bytes (415 otherwise), so this
 * only spares the user picking what would be refused; a dropped or pasted file is not checked.
 */
export const ACCEPTED_FILES = [
  'image/*',
  'video/*',
  'audio/*',
  'application/pdf',
  'text/plain',
  '.pdf',
  '.txt',
  '.csv',
  '.md',
  '.rtf',
  '.doc',
  '.docx',
  '.xls',
  '.xlsx',
  '.ppt',
  '.pptx',
  '.odt',
  '.ods',
  '.odp',
].join(',');

const UNITS = ['KB', 'MB', 'GB'] as const;

/** A size as people read it: "512 B", "1.5 KB", "23 MB" (1 KB = 1024 bytes, as file managers count). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const rounded = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  return `${rounded} ${UNITS[unit]}`;
}

/** The largest whole number of megabytes a limit allows, for "too big (max 25 MB)". */
export function megabytes(bytes: number): number {
  return Math.floor(bytes / (1024 * 1024));
}

/** The short label of a file card's icon: its extension ("PDF", "ZIP"), or "FILE". */
export function fileBadge(filename: string): string {
  const dot = filename.lastIndexOf('.');
  const extension = dot > 0 ? filename.slice(dot + 1) : '';
  return /^[a-z0-9]{1,4}$/iu.test(extension) ? extension.toUpperCase() : 'FILE';
}

const MAX_SINGLE_WIDTH = 330;
const MAX_SINGLE_HEIGHT = 330;
/** Pictures of unknown size (no width/height) are shown in a box of this size until they load. */
const UNKNOWN_SIZE = { width: 240, height: 240 };

/**
 * The size a picture is shown at in a bubble: its own aspect ratio, within 330×330 and never
 * larger than it is. Known before it loads (the server's width/height), so the space is kept
 * and the history does not jump when it arrives.
 */
export function displaySize(attachment: Pick<Attachment, 'width' | 'height'>): { width: number; height: number } {
  const { width, height } = attachment;
  if (!width || !height) return UNKNOWN_SIZE;
  const scale = Math.min(1, MAX_SINGLE_WIDTH / width, MAX_SINGLE_HEIGHT / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

const KIND_PREVIEW: Record<AttachmentKind, { icon: string; label: string }> = {
  image: { icon: '📷', label: 'Photo' },
  video: { icon: '🎥', label: 'Video' },
  audio: { icon: '🎵', label: 'Audio' },
  file: { icon: '📄', label: '' },
};

/**
 * A message as one line (the chat list, a notification): its text, or what it carries, as
 * WhatsApp says it: "📷 Photo", "📷 Look at this" (a caption), "📄 report.pdf".
 */
export function messagePreview(message: Pick<Message, 'content' | 'attachments'>): string {
  const first = message.attachments[0];
  if (!first) return message.content;
  const { icon, label } = KIND_PREVIEW[attachmentKind(first)];
  const photos = message.attachments.every((a) => attachmentKind(a) === 'image') ? message.attachments.length : 1;
  const what = message.content || (label ? (photos > 1 ? `${photos} photos` : label) : first.filename);
  return `${icon} ${what}`;
}
