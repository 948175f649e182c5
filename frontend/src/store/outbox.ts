import type { Attachment, Message } from '../api/client';
import { PLAIN_MESSAGE, quoteOf } from '../lib/messages';
import type { OutgoingMessageFrame } from '../realtime/RealtimeClient';
import type { ConversationsStore } from './conversations';
import type { ChatMessage, MessagesStore } from './messages';
import type { OutboxStorage } from './outboxStorage';

export interface OutboxOptions {
  meId: string;
  conversations: ConversationsStore;
  messages: MessagesStore;
  /** Queues the frame until its ack: it goes out now or after the next `ready` (RealtimeClient.sendMessage). */
  sendMessage: (frame: OutgoingMessageFrame) => void;
  newClientId: () => string;
  /** Keeps the messages on their way across a reload (IndexedDB in the app); without it they last as long as the page. */
  storage?: OutboxStorage;
}

/** What a message takes from the composer's tray: the uploaded files, and the previews its bubble shows while it is on its way. */
export interface OutgoingFiles {
  attachments: Attachment[];
  /** Attachment id → object URL of the picked file (only for pictures). */
  previews: Record<string, string>;
}

const NO_STORAGE: OutboxStorage = { load: () => Promise.resolve([]), save: () => undefined, remove: () => undefined };

/**
 * The user's messages on their way. Each shows at once, with a clock, and goes out with a
 * client_id (the RealtimeClient sends it again after every reconnect until acknowledged).
 * A refusal or a missing ack shows it as failed; a retry sends it again with the same
 * client_id, so the server stores it at most once. Until acknowledged or refused, each is
 * also in `storage`, from which `restore` shows and sends them again after a reload.
 */
export function createOutbox({ meId, conversations, messages, sendMessage, newClientId, storage = NO_STORAGE }: OutboxOptions) {
  /** client_id → the conversation its message goes to, for as long as it may still fail. */
  const inFlight = new Map<string, string>();
  /** client_id → the object URLs its bubble shows, let go once the server's copy replaces it. */
  const previewsOf = new Map<string, string[]>();

  function transmit(message: ChatMessage, clientId: string): void {
    const { conversation_id, content, reply_to, attachments } = message;
    inFlight.set(clientId, conversation_id);
    storage.save(message);
    sendMessage({
      type: 'message',
      conversation_id,
      content,
      client_id: clientId,
      ...(reply_to ? { reply_to_id: reply_to.id } : {}),
      // The files are on the server already (POST /attachments): after a reload their ids still send them.
      ...(attachments.length ? { attachment_ids: attachments.map((a) => a.id) } : {}),
    });
  }

  function stored(conversationId: string, clientId: string): boolean {
    return messages.getState().threads[conversationId]?.items.some((m) => !m.local && m.sender_id === meId && m.client_id === clientId) ?? false;
  }

  function show(pending: ChatMessage): void {
    messages.getState().addPending(pending);
    conversations.getState().applyMessage(pending, false);
  }

  /**
   * `content` is what sendableContent (or, with files, captionContent) returned; `replyTo`, the
   * message it answers; `files`, the uploaded attachments and their local previews.
   */
  function send(conversationId: string, content: string, replyTo?: Message, files?: OutgoingFiles): void {
    const clientId = newClientId();
    const pending: ChatMessage = {
      id: `local:${clientId}`,
      conversation_id: conversationId,
      ...PLAIN_MESSAGE,
      // Not stored yet: no position, no version; the ack brings the stored message.
      seq: 0,
      version: 0,
      sender_id: meId,
      content,
      reply_to: replyTo ? quoteOf(replyTo) : null,
      attachments: files?.attachments ?? [],
      ...(files && Object.keys(files.previews).length ? { previews: files.previews } : {}),
      client_id: clientId,
      status: 'sent',
      created_at: new Date().toISOString(),
      local: 'sending',
    };
    if (pending.previews) previewsOf.set(clientId, Object.values(pending.previews));
    show(pending);
    transmit(pending, clientId);
  }

  /**
   * The messages a previous page of this user left unacknowledged: shown again as sending, and
   * sent again with their client_id (one the server already stored is answered with its ack,
   * which replaces the copy shown here).
   */
  async function restore(): Promise<void> {
    for (const message of await storage.load()) {
      const clientId = message.client_id;
      if (!clientId || inFlight.has(clientId)) continue;
      if (stored(message.conversation_id, clientId)) {
        // Its ack was lost, but the page loaded since shows it stored.
        storage.remove(clientId);
        continue;
      }
      show({ ...message, local: 'sending' });
      transmit(message, clientId);
    }
  }

  function retry(conversationId: string, clientId: string): void {
    const pending = messages.getState().threads[conversationId]?.items.find((m) => m.local && m.client_id === clientId);
    if (!pending) return;
    messages.getState().setLocal(conversationId, clientId, 'sending');
    transmit(pending, clientId);
  }

  function acknowledged(clientId: string | null): void {
    if (!clientId) return;
    inFlight.delete(clientId);
    storage.remove(clientId);
    for (const url of previewsOf.get(clientId) ?? []) URL.revokeObjectURL(url);
    previewsOf.delete(clientId);
  }

  /** The server said no: the message shows as failed for this page's life, and is not sent after a reload. */
  function refused(clientId: string): void {
    storage.remove(clientId);
  }

  function failed(clientId: string, reason: string): void {
    const conversationId = inFlight.get(clientId);
    if (conversationId) messages.getState().setLocal(conversationId, clientId, 'failed', reason);
  }

  /**
   * The user is no longer in the conversation: its messages still waiting for an ack fail
   * with `reason`; returns their client_ids (the caller stops sending them again).
   */
  function abandon(conversationId: string, reason: string): string[] {
    const abandoned = [...inFlight].flatMap(([clientId, to]) => (to === conversationId ? [clientId] : []));
    for (const clientId of abandoned) {
      inFlight.delete(clientId);
      storage.remove(clientId);
      messages.getState().setLocal(conversationId, clientId, 'failed', reason);
    }
    return abandoned;
  }

  return {
    send,
    /** Sends a failed message again, with its client_id. */
    retry,
    /** The server stored the message (its `ack`; the stored copy replaces the pending one). */
    acknowledged,
    /** The server refused the message, or did not acknowledge it in time. */
    failed,
    /** The server refused the message (its `error` named the client_id). */
    refused,
    restore,
    /** The conversation a message on its way goes to. */
    conversationOf: (clientId: string) => inFlight.get(clientId),
    abandon,
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
