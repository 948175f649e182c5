import { redactUrl } from './logging.module';

describe('redactUrl', () => {
  it('hides the token of the seed’s conversation socket path', () => {
    expect(redactUrl('/ws/3f0c2a0e-6d1b-4c53-9a59-2b7b0f8f6a11/eyJhbGciOi.payload.sig')).toBe(
      '/ws/3f0c2a0e-6d1b-4c53-9a59-2b7b0f8f6a11/[REDACTED]',
    );
  });

  it('hides a token query parameter wherever it stands', () => {
    expect(redactUrl('/ws?token=abc.def.ghi')).toBe('/ws?token=[REDACTED]');
    expect(redactUrl('/ws?x=1&access_token=abc&y=2')).toBe('/ws?x=1&access_token=[REDACTED]&y=2');
  });

  it('leaves other URLs alone', () => {
    expect(redactUrl('/conversations/1/messages?limit=5')).toBe('/conversations/1/messages?limit=5');
  });
});
