/** Dates as the chat shows them, in the reader's local time and locale. `now` and `locale` are parameters for tests. */

const DAY_MS = 86_400_000;

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** Whole calendar days from `date` to `now` (0 = same day, 1 = yesterday). */
export function daysAgo(date: Date, now: Date = new Date()): number {
  return Math.round((startOfDay(now) - startOfDay(date)) / DAY_MS);
}

/**
 * The reader's locale: the first language the browser is set to prefer (`navigator.languages`,
 * e.g. en-GB), which decides the format — 24-hour or AM/PM, day or month first; without one,
 * the runtime's default.
 */
export function userLocale(): string | undefined {
  if (typeof navigator === 'undefined') return undefined;
  return navigator.languages?.[0] ?? navigator.language ?? undefined;
}

// Building a formatter is costly and the log formats a time per bubble: one per locale and kind.
const formatters = new Map<string, Intl.DateTimeFormat>();
const KINDS = {
  // hour12 is left to the locale: "09:05" in en-GB or de, "9:05 AM" in en-US (see formatterOf).
  time: { hour: 'numeric', minute: '2-digit' },
  date: { day: '2-digit', month: '2-digit', year: 'numeric' },
  weekday: { weekday: 'long' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

function formatterOf(locale: string | undefined, kind: keyof typeof KINDS): Intl.DateTimeFormat {
  const formatter = new Intl.DateTimeFormat(locale, KINDS[kind]);
  // A 24-hour clock reads with two-digit hours ("09:05"), as WhatsApp shows it; AM/PM without ("9:05 AM").
  if (kind !== 'time' || formatter.resolvedOptions().hour12) return formatter;
  return new Intl.DateTimeFormat(locale, { ...KINDS.time, hour: '2-digit' });
}

function format(date: Date, kind: keyof typeof KINDS, locale: string | undefined = userLocale()): string {
  const key = `${kind} ${locale ?? ''}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    try {
      formatter = formatterOf(locale, kind);
    } catch {
      // A language tag the runtime does not accept: its default locale.
      formatter = formatterOf(undefined, kind);
    }
    formatters.set(key, formatter);
  }
  return formatter.format(date);
}

export function formatTime(iso: string, locale?: string): string {
  return format(new Date(iso), 'time', locale);
}

export function formatDate(date: Date, locale?: string): string {
  return format(date, 'date', locale);
}

/** The label of a day separator in the message log: Today, Yesterday, or the date. */
export function dayLabel(iso: string, now: Date = new Date(), locale?: string): string {
  const date = new Date(iso);
  const days = daysAgo(date, now);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  return formatDate(date, locale);
}

/** The key that groups messages into days (local calendar day). */
export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

/** The time in a conversation row: the time today, "Yesterday", the weekday this week, else the date. */
export function listTimestamp(iso: string, now: Date = new Date(), locale?: string): string {
  const date = new Date(iso);
  const days = daysAgo(date, now);
  if (days === 0) return formatTime(iso, locale);
  if (days === 1) return 'Yesterday';
  if (days > 1 && days < 7) return format(date, 'weekday', locale);
  return formatDate(date, locale);
}

/** "today at 10:03", "yesterday at 10:03", "03/11/2026 at 10:03". */
export function dayAndTime(iso: string, now: Date = new Date(), locale?: string): string {
  const date = new Date(iso);
  const days = daysAgo(date, now);
  const time = formatTime(iso, locale);
  if (days <= 0) return `today at ${time}`;
  if (days === 1) return `yesterday at ${time}`;
  return `${formatDate(date, locale)} at ${time}`;
}

/** "last seen today at 10:03", "last seen yesterday at …", "last seen 03/11/2026 at …". */
export function lastSeenLabel(iso: string | null, now: Date = new Date(), locale?: string): string {
  return iso ? `last seen ${dayAndTime(iso, now, locale)}` : 'offline';
}

/** How long to wait, said plainly and rounded up: "30 seconds", "5 minutes", "2 hours". */
export function waitText(seconds: number): string {
  const [amount, unit] =
    seconds < 60 ? [Math.max(1, Math.ceil(seconds)), 'second'] : seconds < 3600 ? [Math.ceil(seconds / 60), 'minute'] : [Math.ceil(seconds / 3600), 'hour'];
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}
