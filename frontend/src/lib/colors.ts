/**
 * Avatar background colours: dark enough for white initials to pass WCAG AA (≥ 4.5:1).
 * Chosen by a hash of the user id, so a person keeps their colour everywhere and on every device.
 */
export const AVATAR_COLORS = [
  '#00796b',
  '#1565c0',
  '#6a1b9a',
  '#ad1457',
  '#c62828',
  '#2e7d32',
  '#4527a0',
  '#00695c',
  '#bf360c',
  '#283593',
  '#5d4037',
  '#37474f',
] as const;

/** Sender names in group chats use the CSS variables --name-0 … --name-7 (light and dark palettes). */
export const NAME_COLOR_COUNT = 8;

/** FNV-1a: a small, stable string hash. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function pick<T>(palette: readonly T[], id: string): T {
  return palette[hashString(id) % palette.length] as T;
}

export function avatarColor(userId: string): string {
  return pick(AVATAR_COLORS, userId);
}

/** A group member's name colour, stable per user, legible in light and dark mode. */
export function nameColor(userId: string): string {
  return `var(--name-${hashString(userId) % NAME_COLOR_COUNT})`;
}

/** Up to two initials: "Alice Liddell" → "AL", "bob" → "B". */
export function initials(name: string): string {
  const words = name.trim().split(/[\s._-]+/u).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words.slice(0, 1);
  return letters
    .map((word) => Array.from(word ?? '')[0] ?? '')
    .join('')
    .toUpperCase();
}
