/** Dates as the chat shows them, in the reader's local time. `now` and `locale` are parameters for tests. */

const DAY_MS = 86_400_000;

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** Whole calendar days from `date` to `now` (0 = same day, 1 = yesterday). */
export function daysAgo(date: Date, now: Date = new Date()): number {
  return Math.round((startOfDay(now) - startOfDay(date)) / DAY_MS);
}

export function formatTime(iso: string, locale?: string): string {
  return new Date(iso).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
}

export function formatDate(date: Date, locale?: string): string {
  return date.toLocaleDateString(locale, { day: '2-digit', month: '2-digit', year: 'numeric' });
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
  if (days > 1 && days < 7) return date.toLocaleDateString(locale, { weekday: 'long' });
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
