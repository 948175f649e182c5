import type { Message } from '../api/client';
import { messagePreview } from '../lib/attachments';
import { conversationTitle, displayName } from '../lib/names';
import { isMuted, type ConversationsStore } from '../store/conversations';
import { playChime } from './sound';
import { useNotificationPreferences } from './preferences';

export interface NotifierOptions {
  meId: string;
  conversations: ConversationsStore;
  /** Opens a chat (a notification was clicked). */
  open: (conversationId: string) => void;
  /** Whether the user is looking at the tab: visible and focused. */
  attentive?: () => boolean;
  /** Shows a desktop notification; clicking it calls `onClick`. */
  show?: (title: string, options: NotificationOptions, onClick: () => void) => void;
  chime?: () => void;
}

function documentAttentive(): boolean {
  return document.visibilityState === 'visible' && document.hasFocus();
}

function showNotification(title: string, options: NotificationOptions, onClick: () => void): void {
  const notification = new Notification(title, options);
  notification.onclick = () => {
    onClick();
    notification.close();
  };
}

/**
 * What a message from someone else does beyond the chat list: unless its chat is muted, a
 * desktop notification (when the user allowed them) and the sound (when chosen) — only if
 * the user is not already looking at that chat: the tab is hidden or unfocused, or another
 * chat is open. Clicking the notification brings the window forward on that chat.
 */
export function createNotifier({
  meId,
  conversations,
  open,
  attentive = documentAttentive,
  show = showNotification,
  chime = playChime,
}: NotifierOptions): (message: Message) => void {
  return (message) => {
    if (message.sender_id === meId) return;
    const preferences = useNotificationPreferences.getState();
    preferences.noteMessage();
    const { byId, activeId, users } = conversations.getState();
    const conversation = byId[message.conversation_id];
    if (!conversation || isMuted(conversation)) return;
    if (attentive() && activeId === conversation.id) return;
    if (preferences.permission === 'granted') {
      const sender = conversation.participants.find((p) => p.id === message.sender_id) ?? users[message.sender_id];
      const senderName = sender ? displayName(sender) : 'Someone';
      const text = messagePreview(message) || 'New message';
      const title = conversation.is_group_chat ? conversationTitle(conversation, meId) : senderName;
      show(title, { body: conversation.is_group_chat ? `${senderName}: ${text}` : text, tag: conversation.id, silent: true }, () => {
        window.focus();
        open(conversation.id);
      });
    }
    if (preferences.sound) chime();
  };
}
