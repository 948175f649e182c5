import { useSession, type SessionEnd } from './session';

/**
 * One session for every tab of this browser, without a token in storage that other tabs
 * read: a tab opened without a token asks the open tabs over a BroadcastChannel, and one of
 * them answers with its token; a login in one tab logs in the tabs still at the login page;
 * a logout (or a token the server refused) in one tab ends the session in the others that
 * hold the same token, saying the same thing. The channel only reaches same-origin pages of
 * this browser profile, and nothing of it outlives the last tab. The trade-off: any script
 * running on this origin could ask the channel too — as it could read this tab's memory or
 * sessionStorage, which is why message text is only ever rendered as text.
 */
export const SESSION_CHANNEL = 'chatflow.session';

/** How long a new tab waits for an open tab's answer before showing the login page. */
export const ASK_WAIT_MS = 300;

type TabMessage =
  | { type: 'ask' }
  | { type: 'session'; token: string }
  // A tab waits for the server to end the session (or gave up deleting the account): the server
  // refusing the token meanwhile is that logout in every tab, not "logged out from another device".
  | { type: 'logging-out'; token: string; now: boolean }
  | { type: 'ended'; token: string; why?: SessionEnd };

function isTabMessage(data: unknown): data is TabMessage {
  if (typeof data !== 'object' || data === null) return false;
  const { type, token } = data as { type?: unknown; token?: unknown };
  if (type === 'ask') return true;
  const ofToken = typeof token === 'string' && token.length > 0;
  if (type === 'logging-out') return ofToken && typeof (data as { now?: unknown }).now === 'boolean';
  return (type === 'session' || type === 'ended') && ofToken;
}

/** Starts sharing the session with the browser's other tabs; returns how to stop. Without BroadcastChannel each tab logs in alone. */
export function shareSessionBetweenTabs(): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => undefined;
  const channel = new BroadcastChannel(SESSION_CHANNEL);
  const post = (message: TabMessage) => channel.postMessage(message);
  // What this tab does on another tab's word is not news for the others.
  let echoing = false;
  const quietly = (change: () => void) => {
    echoing = true;
    try {
      change();
    } finally {
      echoing = false;
    }
  };

  channel.onmessage = (event: MessageEvent) => {
    const message: unknown = event.data;
    if (!isTabMessage(message)) return;
    const { token, loggingOut } = useSession.getState();
    if (message.type === 'ask') {
      if (token && !loggingOut) post({ type: 'session', token });
    } else if (message.type === 'session') {
      if (!token) quietly(() => useSession.getState().logIn(message.token));
    } else if (token === message.token) {
      // (Another session's news, of another user in another tab, is not this tab's.)
      if (message.type === 'logging-out') quietly(() => useSession.setState({ loggingOut: message.now }));
      else quietly(() => useSession.getState().logOut(message.why));
    }
  };

  const unsubscribe = useSession.subscribe((state, previous) => {
    if (echoing) return;
    if (state.token === previous.token) {
      if (state.token && state.loggingOut !== previous.loggingOut) post({ type: 'logging-out', token: state.token, now: state.loggingOut });
    } else if (state.token) {
      post({ type: 'session', token: state.token });
    } else if (previous.token) {
      post({ type: 'ended', token: previous.token, why: state.ended?.why });
    }
  });

  let timer: ReturnType<typeof setTimeout> | undefined;
  if (!useSession.getState().token) {
    useSession.setState({ askingTabs: true });
    timer = setTimeout(() => useSession.setState({ askingTabs: false }), ASK_WAIT_MS);
    post({ type: 'ask' });
  }

  return () => {
    clearTimeout(timer);
    unsubscribe();
    channel.close();
    useSession.setState({ askingTabs: false });
  };
}
