import type { MessageStatus } from '@chatflow/protocol';

export type { MessageStatus };

export interface Watermarks {
  userId: string;
  readSeq: number;
  deliveredSeq: number;
}

/**
 * A message is `read` once every participant other than its sender has read up to it,
 * `delivered` once every other participant has received it, and `sent` before that.
 * Watermarks only move forward, so neither does the status.
 */
export function statusResolver(participants: Watermarks[]): (senderId: string, seq: number) => MessageStatus {
  return (senderId, seq) => {
    let read = true;
    let delivered = true;
    for (const p of participants) {
      if (p.userId === senderId) continue;
      if (p.readSeq < seq) read = false;
      if (Math.max(p.deliveredSeq, p.readSeq) < seq) delivered = false;
    }
    return read ? 'read' : delivered ? 'delivered' : 'sent';
  };
}
