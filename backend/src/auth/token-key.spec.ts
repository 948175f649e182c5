import { JwtService } from '@nestjs/jwt';
import { tokenKey } from './token-key';

describe('tokenKey', () => {
  const secret = 'a-secret-of-at-least-32-characters-ünïcode';
  const options = { signOptions: { algorithm: 'HS256' as const }, verifyOptions: { algorithms: ['HS256' as const] } };
  const withString = new JwtService({ secret, ...options });
  const withKey = new JwtService({ secret: tokenKey(secret), ...options });

  it('signs and verifies exactly as the secret string does: tokens issued before still verify, and after', () => {
    expect(withKey.verify(withString.sign({ sub: 'u', sid: 's' }))).toMatchObject({ sub: 'u', sid: 's' });
    expect(withString.verify(withKey.sign({ sub: 'u', sid: 's' }))).toMatchObject({ sub: 'u', sid: 's' });
  });

  it('refuses a token signed under another secret', () => {
    const other = new JwtService({ secret: tokenKey('another-secret-of-at-least-32-chars!!'), ...options });
    expect(() => withKey.verify(other.sign({ sub: 'u', sid: 's' }))).toThrow('invalid signature');
  });
});
