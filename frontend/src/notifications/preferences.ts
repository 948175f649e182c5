import { create } from 'zustand';

/** Where this browser keeps the notification choices: they are the browser's, not the account's. */
const STORAGE_KEY = 'chatflow.notifications';

interface Stored {
  /** Play a short sound for a new message. */
  sound: boolean;
  /** The user closed the "Turn on desktop notifications" banner. */
  bannerDismissed: boolean;
}

export interface NotificationPreferences extends Stored {
  /** A message from someone else arrived in this tab: the moment to offer desktop notifications. */
  messageSeen: boolean;
  /** The browser's answer so far ('unsupported' without the Notification API). */
  permission: NotificationPermission | 'unsupported';
  setSound: (sound: boolean) => void;
  dismissBanner: () => void;
  noteMessage: () => void;
  /** Asks the browser (only ever after the user clicked something). */
  requestPermission: () => Promise<void>;
}

function load(): Stored {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Partial<Stored>;
    return { sound: stored.sound === true, bannerDismissed: stored.bannerDismissed === true };
  } catch {
    return { sound: false, bannerDismissed: false };
  }
}

function save({ sound, bannerDismissed }: Stored): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ sound, bannerDismissed }));
  } catch {
    // Private mode or a full disk: the choice lasts this tab.
  }
}

export function currentPermission(): NotificationPermission | 'unsupported' {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** The notification choices of this browser: sound (off by default), the banner, the permission. */
export const useNotificationPreferences = create<NotificationPreferences>()((set, get) => ({
  ...load(),
  messageSeen: false,
  permission: currentPermission(),
  setSound: (sound) => {
    set({ sound });
    save(get());
  },
  dismissBanner: () => {
    set({ bannerDismissed: true });
    save(get());
  },
  noteMessage: () => {
    if (!get().messageSeen) set({ messageSeen: true });
  },
  requestPermission: async () => {
    if (typeof Notification === 'undefined') return;
    const permission = await Notification.requestPermission();
    set({ permission });
  },
}));
