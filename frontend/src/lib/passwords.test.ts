import { passwordLengthOk } from './passwords';

describe('passwordLengthOk', () => {
  it('takes 8 to 128 characters, counting an emoji as one', () => {
    expect(passwordLengthOk('1234567')).toBe(false);
    expect(passwordLengthOk('12345678')).toBe(true);
    expect(passwordLengthOk('x'.repeat(128))).toBe(true);
    expect(passwordLengthOk('x'.repeat(129))).toBe(false);
    expect(passwordLengthOk('🔑'.repeat(7))).toBe(false);
    expect(passwordLengthOk('🔑'.repeat(128))).toBe(true);
  });
});
