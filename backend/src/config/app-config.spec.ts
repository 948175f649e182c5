import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from './app-config';

const strongSecret = () => randomBytes(32).toString('base64url');
const strongKey = () => randomBytes(32).toString('base64');

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('starts in production with a strong secret and a 32-byte encryption key', () => {
    const config = loadConfig({ NODE_ENV: 'production', SECRET_KEY: strongSecret(), ENCRYPTION_KEY: strongKey() });
    expect(config.nodeEnv).toBe('production');
    expect(config.encryption.current).toHaveLength(32);
  });

  it('refuses production without SECRET_KEY or ENCRYPTION_KEY, naming both', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems.join('\n')).toMatch(/SECRET_KEY is required/);
    expect(problems.join('\n')).toMatch(/ENCRYPTION_KEY is required/);
  });

  it.each([
    ['a short secret', 'tooshort'],
    ['a published example', 'a_very_secure_random_string_for_jwt'],
    ['a repetitive secret', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
  ])('refuses production with %s as SECRET_KEY', (_, secret) => {
    expect(problemsOf({ NODE_ENV: 'production', SECRET_KEY: secret, ENCRYPTION_KEY: strongKey() })).toEqual([
      expect.stringMatching(/^SECRET_KEY /),
    ]);
  });

  it.each([
    ['16 bytes', randomBytes(16).toString('base64')],
    ['not base64', 'not-a-key-at-all-but-quite-long-indeed!!'],
    ['all zero bytes', Buffer.alloc(32).toString('base64')],
  ])('refuses an ENCRYPTION_KEY of %s', (_, key) => {
    expect(problemsOf({ NODE_ENV: 'production', SECRET_KEY: strongSecret(), ENCRYPTION_KEY: key })).toEqual([
      expect.stringMatching(/^ENCRYPTION_KEY /),
    ]);
  });

  it('uses the generated development secrets when none are configured', () => {
    const generated = { secretKey: strongSecret(), encryptionKey: strongKey() };
    const config = loadConfig({}, () => generated);
    expect(config.nodeEnv).toBe('development');
    expect(config.secretKey).toBe(generated.secretKey);
    expect(config.encryption.current.toString('base64')).toBe(generated.encryptionKey);
  });

  it('never generates secrets in production', () => {
    const generate = jest.fn();
    expect(() => loadConfig({ NODE_ENV: 'production' }, generate)).toThrow(ConfigError);
    expect(generate).not.toHaveBeenCalled();
  });

  it('accepts previous encryption keys for reading', () => {
    const previous = [strongKey(), strongKey()];
    const config = loadConfig({ SECRET_KEY: strongSecret(), ENCRYPTION_KEY: strongKey(), ENCRYPTION_KEYS_PREVIOUS: previous.join(',') });
    expect(config.encryption.previous.map((k) => k.toString('base64'))).toEqual(previous);
  });

  it('derives a search key of its own from ENCRYPTION_KEY when SEARCH_KEY is unset', () => {
    const encryptionKey = strongKey();
    const config = loadConfig({ NODE_ENV: 'production', SECRET_KEY: strongSecret(), ENCRYPTION_KEY: encryptionKey });
    expect(config.searchKey).toHaveLength(32);
    expect(config.searchKey.equals(config.encryption.current)).toBe(false);
    const again = loadConfig({ NODE_ENV: 'production', SECRET_KEY: strongSecret(), ENCRYPTION_KEY: encryptionKey });
    expect(again.searchKey.equals(config.searchKey)).toBe(true);
  });

  it('takes SEARCH_KEY when set', () => {
    const searchKey = strongKey();
    const config = loadConfig({ NODE_ENV: 'production', SECRET_KEY: strongSecret(), ENCRYPTION_KEY: strongKey(), SEARCH_KEY: searchKey });
    expect(config.searchKey.toString('base64')).toBe(searchKey);
  });

  it.each([
    ['16 bytes', () => randomBytes(16).toString('base64')],
    ['all zero bytes', () => Buffer.alloc(32).toString('base64')],
  ])('refuses a SEARCH_KEY of %s', (_, key) => {
    expect(problemsOf({ NODE_ENV: 'production', SECRET_KEY: strongSecret(), ENCRYPTION_KEY: strongKey(), SEARCH_KEY: key() })).toEqual([
      expect.stringMatching(/^SEARCH_KEY /),
    ]);
  });

  it('refuses a SEARCH_KEY that is also the content key, current or previous', () => {
    const [current, previous] = [strongKey(), strongKey()];
    const base = { SECRET_KEY: strongSecret(), ENCRYPTION_KEY: current, ENCRYPTION_KEYS_PREVIOUS: previous };
    expect(problemsOf({ ...base, SEARCH_KEY: current })).toEqual([expect.stringMatching(/^SEARCH_KEY must differ/)]);
    expect(problemsOf({ ...base, SEARCH_KEY: previous })).toEqual([expect.stringMatching(/^SEARCH_KEY must differ/)]);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({ NODE_ENV: 'staging', PORT: 'eighty', DATABASE_URL: 'mysql://x', CORS_ORIGINS: 'localhost:3000' });
    expect(problems).toHaveLength(4);
  });

  describe('attachments', () => {
    const production = () => ({ NODE_ENV: 'production', SECRET_KEY: strongSecret(), ENCRYPTION_KEY: strongKey() });

    it('keeps files in a folder under DATA_DIR by default, 25 MiB at most, URLs valid 10 minutes', () => {
      const config = loadConfig({ ...production(), DATA_DIR: '/srv/chatflow' });
      expect(config.attachments).toMatchObject({
        maxBytes: 25 * 1024 * 1024,
        urlTtlSeconds: 600,
        storage: { kind: 'local', dir: '/srv/chatflow/attachments' },
      });
    });

    it('derives the URL key from SECRET_KEY (never the same bytes), or takes ATTACHMENT_URL_KEY', () => {
      const env = production();
      const derived = loadConfig(env).attachments.urlKey;
      expect(derived).toHaveLength(32);
      expect(derived.equals(Buffer.from(env.SECRET_KEY))).toBe(false);
      const own = strongSecret();
      expect(loadConfig({ ...env, ATTACHMENT_URL_KEY: own }).attachments.urlKey.toString()).toBe(own);
    });

    it.each([
      ['a weak ATTACHMENT_URL_KEY', (env: Record<string, string>) => ({ ...env, ATTACHMENT_URL_KEY: 'changeme' }), /^ATTACHMENT_URL_KEY must be at least/],
      ['SECRET_KEY again as ATTACHMENT_URL_KEY', (env: Record<string, string>) => ({ ...env, ATTACHMENT_URL_KEY: env.SECRET_KEY }), /one key per purpose/],
    ])('refuses %s', (_, change, problem) => {
      expect(problemsOf(change(production()))).toEqual([expect.stringMatching(problem)]);
    });

    it('uses S3 when configured, and names every S3 variable missing', () => {
      const s3 = {
        S3_ENDPOINT: 'https://s3.example.com',
        S3_BUCKET: 'files',
        S3_REGION: 'eu-west-1',
        S3_ACCESS_KEY_ID: 'id',
        S3_SECRET_ACCESS_KEY: 'secret',
        S3_FORCE_PATH_STYLE: 'true',
      };
      expect(loadConfig({ ...production(), ...s3 }).attachments.storage).toEqual({
        kind: 's3',
        endpoint: 'https://s3.example.com',
        bucket: 'files',
        region: 'eu-west-1',
        accessKeyId: 'id',
        secretAccessKey: 'secret',
        forcePathStyle: true,
      });
      expect(problemsOf({ ...production(), S3_BUCKET: 'files' })).toEqual([
        expect.stringMatching(/S3 storage needs S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY/),
      ]);
      expect(problemsOf({ ...production(), ...s3, S3_ENDPOINT: 'http://s3.example.com', S3_FORCE_PATH_STYLE: 'yes' })).toEqual([
        expect.stringMatching(/S3_ENDPOINT must use https in production/),
        expect.stringMatching(/S3_FORCE_PATH_STYLE must be true or false/),
      ]);
    });

    it('refuses a size limit that is not a positive integer', () => {
      expect(problemsOf({ ...production(), ATTACHMENT_MAX_BYTES: '0' })).toEqual([expect.stringMatching(/^ATTACHMENT_MAX_BYTES must be an integer/)]);
    });
  });
});
