import type { Conversation } from '../api/client';
import { isMuted, isUnread } from '../store/conversations';

export const APP_TITLE = 'ChatFlow';

/** The chats that count in the tab's title: unread (or marked unread), neither muted nor archived — as WhatsApp Web counts. */
export function unreadChats(conversations: Conversation[], now = Date.now()): number {
  return conversations.filter((c) => isUnread(c) && !isMuted(c, now) && !c.archived).length;
}

/** "(3) ChatFlow" while 3 chats are unread, "ChatFlow" otherwise. */
export function tabTitle(unread: number): string {
  return unread > 0 ? `(${unread}) ${APP_TITLE}` : APP_TITLE;
}

const ICON_PATH = 'M9 11h14a2 2 0 0 1 2 2v7a2 2 0 0 1-2 2h-8l-5 4v-4H9a2 2 0 0 1-2-2v-7a2 2 0 0 1 2-2z';

/** The favicon as an SVG data URL: the app's icon, with a red count in its corner while chats are unread. */
export function faviconHref(unread: number): string {
  const label = unread > 9 ? '9+' : String(unread);
  const badge =
    unread > 0
      ? `<circle cx='24' cy='8' r='8' fill='#e53935'/><text x='24' y='12' font-size='${label.length > 1 ? 9 : 12}' font-family='Arial,sans-serif' font-weight='bold' text-anchor='middle' fill='white'>${label}</text>`
      : '';
  const svg = `<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'><circle cx='16' cy='16' r='15' fill='#25d366'/><path d='${ICON_PATH}' fill='white'/>${badge}</svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

/** Shows the count in the document's title and favicon. */
export function showUnreadInTab(unread: number, doc: Document = document): void {
  const title = tabTitle(unread);
  if (doc.title !== title) doc.title = title;
  let icon = doc.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (!icon) {
    icon = doc.createElement('link');
    icon.rel = 'icon';
    doc.head.appendChild(icon);
  }
  const href = faviconHref(unread);
  if (icon.getAttribute('href') !== href) icon.setAttribute('href', href);
}
