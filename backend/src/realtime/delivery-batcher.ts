import type { DeliveryReceipt } from '../conversations/messages.repository';

/**
 * Collects "pushed to a live connection of this user" receipts and writes them in one
 * statement every few milliseconds: a burst of messages costs one UPDATE, not one each.
 */
export class DeliveryBatcher {
  private pending = new Map<string, DeliveryReceipt>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly write: (receipts: DeliveryReceipt[]) => Promise<void>,
    private readonly delayMs = 20,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  note(conversationId: string, userId: string, seq: number): void {
    const key = `${conversationId}:${userId}`;
    const known = this.pending.get(key);
    if (!known || known.seq < seq) this.pending.set(key, { conversationId, userId, seq });
    this.timer ??= setTimeout(() => void this.flush(), this.delayMs);
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending.size) return;
    const receipts = [...this.pending.values()];
    this.pending = new Map();
    await this.write(receipts).catch(this.onError);
  }
}
