/**
 * Frames a client sends (API.md, "Client → server"). On `/ws` each names its conversation;
 * on the per-conversation socket `conversation_id` may be left out.
 */
export interface MessageFrame {
  type: 'message';
  conversation_id?: string;
  content: string;
  client_id?: string;
  /** A message of the same conversation this one replies to. */
  reply_to_id?: string;
  /**
   * Files uploaded by the sender with `POST /attachments` (at most MAX_ATTACHMENTS_PER_MESSAGE);
   * `content` may be empty when there is at least one. As on REST.
   */
  attachment_ids?: string[];
}

export interface TypingFrame {
  type: 'typing';
  conversation_id?: string;
  is_typing: boolean;
}

export interface ReadFrame {
  type: 'read';
  conversation_id?: string;
  /**
   * Extension: read only up to this message (`seq`), the newest the reader has seen on screen;
   * without it, up to the conversation's newest message (v1's meaning).
   */
  up_to_seq?: number;
}

export type ClientFrame = MessageFrame | TypingFrame | ReadFrame;

export type ClientFrameType = ClientFrame['type'];

const CLIENT_FRAMES: Record<ClientFrameType, true> = { message: true, typing: true, read: true };

/** Every frame type a client may send. */
export const CLIENT_FRAME_TYPES = Object.keys(CLIENT_FRAMES) as ClientFrameType[];

export function isClientFrameType(type: unknown): type is ClientFrameType {
  return typeof type === 'string' && Object.hasOwn(CLIENT_FRAMES, type);
}
