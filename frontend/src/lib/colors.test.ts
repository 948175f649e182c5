import { AVATAR_COLORS, avatarColor, hashString, initials, nameColor } from './colors';

describe('avatarColor', () => {
  it('is stable for a user id and drawn from the palette', () => {
    const id = '3f0c2a0e-6d1b-4c53-9a59-2b7b0f8f6a11';
    expect(avatarColor(id)).toBe(avatarColor(id));
    expect(AVATAR_COLORS).toContain(avatarColor(id));
  });

  it('spreads different ids over several colours', () => {
    const colours = new Set(Array.from({ length: 60 }, (_, i) => avatarColor(`user-${i}`)));
    expect(colours.size).toBeGreaterThan(6);
  });

  it('uses colours dark enough for white initials (WCAG AA, 4.5:1)', () => {
    const luminance = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => {
        const c = parseInt(hex.slice(i, i + 2), 16) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      }) as [number, number, number];
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    for (const colour of AVATAR_COLORS) expect(1.05 / (luminance(colour) + 0.05)).toBeGreaterThanOrEqual(4.5);
  });
});

describe('nameColor', () => {
  it('maps a user to one of the themed name colours', () => {
    expect(nameColor('abc')).toMatch(/^var\(--name-[0-7]\)$/);
    expect(nameColor('abc')).toBe(nameColor('abc'));
  });
});

describe('hashString', () => {
  it('is a 32-bit unsigned FNV-1a hash', () => {
    expect(hashString('')).toBe(0x811c9dc5);
    expect(hashString('a')).toBe(0xe40c292c);
  });
});

describe('initials', () => {
  it('takes the first and last word', () => {
    expect(initials('Alice Pleasance Liddell')).toBe('AL');
    expect(initials('bob')).toBe('B');
    expect(initials('jean-luc.picard')).toBe('JP');
    expect(initials('  ')).toBe('');
  });

  it('keeps a whole emoji or accented letter', () => {
    expect(initials('émile zola')).toBe('ÉZ');
    expect(initials('😀 Smile')).toBe('😀S');
  });
});
