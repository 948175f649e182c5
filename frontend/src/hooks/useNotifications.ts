import { useEffect } from 'react';
import { createNotifier } from '../notifications/notifier';
import { showUnreadInTab, unreadChats } from '../notifications/tabBadge';
import type { ChatSession } from '../store/chatSession';

/**
 * For as long as the chat screen is up: the unread count in the tab's title and favicon,
 * and a notification (and the sound, if chosen) for each message from someone else.
 */
export function useNotifications(session: ChatSession, meId: string, open: (conversationId: string) => void): void {
  useEffect(() => session.onIncoming(createNotifier({ meId, conversations: session.stores.conversations, open })), [session, meId, open]);

  useEffect(() => {
    const store = session.stores.conversations;
    const update = () => showUnreadInTab(unreadChats(Object.values(store.getState().byId)));
    update();
    const unsubscribe = store.subscribe(update);
    // A mute that runs out brings its chat back into the count.
    const timer = setInterval(update, 60_000);
    return () => {
      unsubscribe();
      clearInterval(timer);
      showUnreadInTab(0);
    };
  }, [session]);
}
