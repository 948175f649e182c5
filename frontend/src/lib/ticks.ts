import type { MessageStatus } from '../api/client';

/** What a participant has received and read, as the latest receipts said (ISO timestamps). */
export interface Receipt {
  delivered?: string;
  read?: string;
}

export type DeliveryState = 'sending' | 'failed' | MessageStatus;

const RANK: Record<MessageStatus, number> = { sent: 0, delivered: 1, read: 2 };

export function maxStatus(a: MessageStatus, b: MessageStatus): MessageStatus {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * A message's status given the receipts of the other participants: `read` once every one of
 * them has read up to its created_at, `delivered` once every one has received it (a read
 * implies a receipt). Unknown receipts count as not yet; the status the server gave the
 * message is a floor, since a status only moves forward.
 */
export function statusFromReceipts(
  message: { sender_id: string; created_at: string; status: MessageStatus },
  participantIds: readonly string[],
  receipts: Readonly<Record<string, Receipt>>,
): MessageStatus {
  const others = participantIds.filter((id) => id !== message.sender_id);
  if (others.length === 0) return message.status;
  const at = Date.parse(message.created_at);
  const covered = (stamp: string | undefined) => stamp !== undefined && Date.parse(stamp) >= at;
  let computed: MessageStatus = 'read';
  for (const id of others) {
    const receipt = receipts[id] ?? {};
    if (covered(receipt.read)) continue;
    if (covered(receipt.delivered)) computed = computed === 'read' ? 'delivered' : computed;
    else computed = 'sent';
  }
  return maxStatus(message.status, computed);
}

/** The accessible name of a tick icon. */
export function deliveryLabel(state: DeliveryState): string {
  switch (state) {
    case 'sending':
      return 'Sending';
    case 'failed':
      return 'Not sent';
    case 'sent':
      return 'Sent';
    case 'delivered':
      return 'Delivered';
    case 'read':
      return 'Read';
  }
}
