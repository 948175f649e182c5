import { useEffect, useRef } from 'react';

const CHAT_PATH = /^\/c\/([0-9a-f-]{36})\/?$/i;

/** The chat a path names (`/c/{id}`), or null. */
export function chatOfPath(path: string): string | null {
  return CHAT_PATH.exec(path)?.[1]?.toLowerCase() ?? null;
}

export function pathOfChat(id: string | null): string {
  return id ? `/c/${id}` : '/';
}

/**
 * The open chat has an address, `/c/{id}`: opening a chat pushes it onto the history, so the
 * browser's Back closes the chat (on a phone, back to the list) and Forward opens it again; a
 * reload or a link opens the chat it names. The server falls back to index.html for these paths.
 */
export function useChatRoute(activeId: string | null, open: (id: string | null) => void, unknown: boolean): void {
  const shown = useRef<string | null>(null);

  useEffect(() => {
    const named = chatOfPath(location.pathname);
    if (named) open(named);
    const onPop = () => open(chatOfPath(location.pathname));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, [open]);

  useEffect(() => {
    const was = shown.current;
    shown.current = activeId;
    if (chatOfPath(location.pathname) === activeId) return;
    // Opening a chat is a step Back undoes; closing one (the ← button) goes back to the list in place.
    if (activeId) history.pushState(null, '', pathOfChat(activeId));
    else if (was) history.replaceState(null, '', pathOfChat(null));
  }, [activeId]);

  // An address naming a chat the user does not have (any more): the list.
  useEffect(() => {
    if (unknown) open(null);
  }, [unknown, open]);
}
