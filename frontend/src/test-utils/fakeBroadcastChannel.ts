/**
 * BroadcastChannel for jsdom (which has none): instances of one name in this test are the
 * tabs of one browser. Like the real one, a message reaches every other instance of the name,
 * never its sender, later (a macrotask) and as a copy.
 */
export class FakeBroadcastChannel {
  static open: FakeBroadcastChannel[] = [];
  /** Messages posted and not delivered yet. */
  private static inFlight = 0;
  onmessage: ((event: MessageEvent) => void) | null = null;
  private closed = false;

  constructor(readonly name: string) {
    FakeBroadcastChannel.open.push(this);
  }

  static install(): void {
    FakeBroadcastChannel.open = [];
    globalThis.BroadcastChannel = FakeBroadcastChannel as unknown as typeof BroadcastChannel;
  }

  static uninstall(): void {
    for (const channel of FakeBroadcastChannel.open) channel.close();
    delete (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel;
  }

  /** Resolves once every message posted is delivered, the answers they prompted included. */
  static async settle(): Promise<void> {
    while (FakeBroadcastChannel.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 0));
  }

  postMessage(data: unknown): void {
    if (this.closed) throw new Error('BroadcastChannel is closed');
    const copy: unknown = JSON.parse(JSON.stringify(data));
    for (const other of FakeBroadcastChannel.open) {
      if (other === this || other.name !== this.name) continue;
      FakeBroadcastChannel.inFlight += 1;
      setTimeout(() => {
        FakeBroadcastChannel.inFlight -= 1;
        if (!other.closed) other.onmessage?.(new MessageEvent('message', { data: copy }));
      }, 0);
    }
  }

  close(): void {
    this.closed = true;
    FakeBroadcastChannel.open = FakeBroadcastChannel.open.filter((channel) => channel !== this);
  }
}
