import { hkdfSync, randomBytes } from 'node:crypto';
import { availableParallelism, hostname } from 'node:os';
import { resolve } from 'node:path';
import { DEFAULT_ATTACHMENT_MAX_BYTES } from '@chatflow/protocol';

export type NodeEnv = 'development' | 'production' | 'test';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface EncryptionKeys {
  /** Key used for every new ciphertext. */
  current: Buffer;
  /** Older keys, accepted for reading only while `npm run reencrypt` moves their rows onto the current one. */
  previous: Buffer[];
}

export interface AppConfig {
  nodeEnv: NodeEnv;
  port: number;
  /** When unset, the backend launches an embedded PostgreSQL under `dataDir`. */
  databaseUrl?: string;
  database: {
    /** How long opening a PostgreSQL connection, or waiting for a free one in the pool, may take. */
    connectTimeoutMs: number;
    /** The longest a statement may run (migrations excepted); 0 turns the limit off. */
    statementTimeoutMs: number;
  };
  /** How long a graceful shutdown (SIGTERM) may take before the process exits anyway. */
  shutdownTimeoutMs: number;
  dataDir: string;
  embeddedPostgresPort: number;
  redisUrl?: string;
  secretKey: string;
  encryption: EncryptionKeys;
  /**
   * Root key of the search index (keyed hashes of words), a purpose of its own: SEARCH_KEY, or
   * when unset derived from ENCRYPTION_KEY under a distinct label (never the content key itself).
   */
  searchKey: Buffer;
  accessTokenTtlSeconds: number;
  corsOrigins: string[];
  trustProxy: boolean | string;
  bodyLimit: string;
  logLevel: LogLevel;
  /** This process's name among instances; random unless INSTANCE_ID is set. */
  instanceId: string;
  realtime: {
    /** Ping every connection this often; one that has not answered the previous ping is dropped. */
    pingIntervalMs: number;
    /** How long after a user's last connection closes they are announced offline. */
    presenceGraceMs: number;
    /** Instance heartbeat in shared presence (Redis); a silent instance is swept after 3 beats. */
    presenceHeartbeatMs: number;
    /** How long a message that overtook another waits before the missing one is read from the database. */
    gapTimeoutMs: number;
    /** Delivery receipts are written (and `conversation_delivered` announced) at most this often. */
    receiptBatchMs: number;
    /** A connection whose unsent data exceeds this is closed as a slow consumer. */
    maxBufferedBytes: number;
    /**
     * Frames a connection may send per second, sustained, and in a burst; as many again beyond
     * the burst wait their turn (slowed down) before frames are refused.
     */
    framesPerSecond: number;
    frameBurst: number;
    /** WebSockets one user may have open at once, on every instance together. */
    maxConnectionsPerUser: number;
  };
  passwordHashing: {
    /**
     * argon2 hashes computed at once (each takes a core for ~25 ms). Fewer than the cores, so
     * the event loop and PostgreSQL keep one: a burst of logins waits its turn instead of
     * slowing every message.
     */
    concurrency: number;
    /** Hashes that may wait for a turn; past it, logins and registrations get 503 with Retry-After. */
    queueLimit: number;
    /**
     * The CPU priority (nice, 1-19) of the child process that hashes, below the server's own so
     * messages go first when the cores are busy; 0 hashes in the server's process.
     */
    nice: number;
  };
  loginThrottle: {
    windowSeconds: number;
    /** Failures for one account from one address. */
    maxFailuresPerAccount: number;
    /** Failures for one account from every address together. */
    maxFailuresPerAccountTotal: number;
    maxAttemptsPerAddress: number;
  };
  sessions: {
    /** How long a session found live is trusted without asking the database again (revocations arrive through the bus)… */
    cacheSeconds: number;
    /** …and how long while the bus is down (another instance's revocation could not arrive). */
    cacheSecondsWithoutBus: number;
  };
  limits: {
    /** Messages one user may send per minute, over REST and WebSocket together. */
    messagesPerMinutePerUser: number;
    /** Accounts created from one client address per window (each costs an argon2 hash). */
    registrationsPerAddress: number;
    registrationWindowSeconds: number;
    /** User searches per minute, per user and per client address. */
    searchesPerMinutePerUser: number;
    searchesPerMinutePerAddress: number;
    /** Message searches (GET /search) per minute, per user. */
    messageSearchesPerMinutePerUser: number;
  };
  attachments: AttachmentsConfig;
  messages: {
    /** A sender may edit a message this long after sending it… */
    editWindowSeconds: number;
    /** …and an edit that arrives this much later is still taken (it was started in time). */
    editGraceSeconds: number;
    /** A sender may delete a message for everyone this long after sending it. */
    deleteWindowSeconds: number;
  };
}

/** Where attachment files are kept: a folder (default) or an S3-compatible bucket. */
export type AttachmentStorageConfig =
  | { kind: 'local'; dir: string }
  | {
      kind: 's3';
      /** Unset: AWS itself; set: any S3-compatible server (MinIO, Ceph, …). */
      endpoint?: string;
      bucket: string;
      region: string;
      accessKeyId: string;
      secretAccessKey: string;
      forcePathStyle: boolean;
    };

export interface AttachmentsConfig {
  /** The largest upload (ATTACHMENT_MAX_BYTES); a larger one is 413. */
  maxBytes: number;
  /** Uploads one user may start per hour (each takes disk until it is sent or swept); past it 429. */
  uploadsPerHourPerUser: number;
  /** How long a signed attachment URL stays valid. */
  urlTtlSeconds: number;
  /** Key of the URL signatures, a purpose of its own: ATTACHMENT_URL_KEY, or derived from SECRET_KEY under a distinct label. */
  urlKey: Buffer;
  /** An upload no message took within this long is removed by the sweep. */
  unattachedTtlSeconds: number;
  /** How often the sweep runs (0: never, for tests that run it by hand). */
  sweepIntervalMs: number;
  /** Where uploads wait (streamed to disk) while they are checked and sealed. */
  tmpDir: string;
  storage: AttachmentStorageConfig;
}

/** Secrets the development server generates once and keeps in its data folder. */
export interface DevSecrets {
  secretKey: string;
  encryptionKey: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The repository root: `backend/src/config` and `backend/dist/config` both sit three levels below it. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

const KNOWN_WEAK_SECRETS = new Set(
  ['secret', 'changeme', 'change-me', 'password', 'a_very_secure_random_string_for_jwt', 'a_secure_fernet_key_generated_once'].map(
    (s) => s.toLowerCase(),
  ),
);

export function generateDevSecrets(): DevSecrets {
  return {
    secretKey: randomBytes(48).toString('base64url'),
    encryptionKey: randomBytes(32).toString('base64'),
  };
}

/**
 * The single reader of process.env. Validates everything at once and throws a
 * ConfigError listing every problem, so a misconfigured server stops at boot with a
 * readable message instead of failing on its first request.
 */
export function loadConfig(
  env: Record<string, string | undefined>,
  devSecrets: (dataDir: string) => DevSecrets = () => generateDevSecrets(),
): AppConfig {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };

  const rawEnv = read('NODE_ENV') ?? 'development';
  let nodeEnv: NodeEnv = 'development';
  if (rawEnv === 'development' || rawEnv === 'production' || rawEnv === 'test') nodeEnv = rawEnv;
  else problems.push(`NODE_ENV must be development, production or test (got "${rawEnv}")`);
  const production = nodeEnv === 'production';

  const dataDir = resolve(read('DATA_DIR') ?? resolve(REPO_ROOT, '.data'));
  const databaseUrl = read('DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const redisUrl = read('REDIS_URL');
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) problems.push('REDIS_URL must be a redis:// or rediss:// URL');

  let secretKey = read('SECRET_KEY');
  let encryptionKey = read('ENCRYPTION_KEY');
  if (production) {
    if (!secretKey) problems.push('SECRET_KEY is required when NODE_ENV=production');
    if (!encryptionKey) problems.push('ENCRYPTION_KEY is required when NODE_ENV=production (openssl rand -base64 32)');
  } else if (!secretKey || !encryptionKey) {
    const generated = devSecrets(dataDir);
    secretKey ??= generated.secretKey;
    encryptionKey ??= generated.encryptionKey;
  }
  if (secretKey) {
    const weakness = secretWeakness(secretKey);
    if (weakness) problems.push(`SECRET_KEY ${weakness}`);
  }

  let current: Buffer = Buffer.alloc(0);
  if (encryptionKey) {
    const parsed = parseKey('ENCRYPTION_KEY', encryptionKey, problems);
    if (parsed) current = parsed;
  }
  const previous = (read('ENCRYPTION_KEYS_PREVIOUS') ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((k, i) => parseKey(`ENCRYPTION_KEYS_PREVIOUS[${i}]`, k, problems))
    .filter((k): k is Buffer => k !== undefined);

  const searchKey = searchRootKey(read('SEARCH_KEY'), current, previous, problems);

  const attachments = attachmentsConfig(read, int, dataDir, secretKey ?? '', production, problems);

  const corsOrigins = (read('CORS_ORIGINS') ?? 'http://localhost:3000,http://127.0.0.1:3000')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      problems.push(`CORS_ORIGINS entries must look like http(s)://host[:port] (got "${origin}")`);
    }
  }

  const rawLogLevel = read('LOG_LEVEL') ?? (nodeEnv === 'test' ? 'silent' : 'info');
  const logLevel = LOG_LEVELS.find((l) => l === rawLogLevel);
  if (!logLevel) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${rawLogLevel}")`);

  const rawTrustProxy = read('TRUST_PROXY') ?? 'loopback';
  const trustProxy = rawTrustProxy === 'true' ? true : rawTrustProxy === 'false' ? false : rawTrustProxy;

  const config: AppConfig = {
    nodeEnv,
    port: int('PORT', 8000, 0, 65535),
    databaseUrl,
    database: {
      connectTimeoutMs: int('DATABASE_CONNECT_TIMEOUT_MS', 5_000, 100, 600_000),
      statementTimeoutMs: int('DATABASE_STATEMENT_TIMEOUT_MS', 15_000, 0, 3_600_000),
    },
    shutdownTimeoutMs: int('SHUTDOWN_TIMEOUT_MS', 20_000, 1_000, 600_000),
    dataDir,
    embeddedPostgresPort: int('EMBEDDED_POSTGRES_PORT', 54329, 1024, 65535),
    redisUrl,
    secretKey: secretKey ?? '',
    encryption: { current, previous },
    searchKey,
    accessTokenTtlSeconds: int('ACCESS_TOKEN_TTL_SECONDS', 86_400, 60, 30 * 86_400),
    corsOrigins,
    trustProxy,
    bodyLimit: read('BODY_LIMIT') ?? '100kb',
    logLevel: logLevel ?? 'info',
    instanceId: read('INSTANCE_ID') ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    realtime: {
      pingIntervalMs: int('WS_PING_INTERVAL_MS', 30_000, 100, 600_000),
      presenceGraceMs: int('PRESENCE_GRACE_MS', 4_000, 0, 9_000),
      presenceHeartbeatMs: int('PRESENCE_HEARTBEAT_MS', 3_000, 100, 60_000),
      gapTimeoutMs: int('WS_GAP_TIMEOUT_MS', 500, 10, 60_000),
      receiptBatchMs: int('WS_RECEIPT_BATCH_MS', 100, 1, 5_000),
      maxBufferedBytes: int('WS_MAX_BUFFERED_BYTES', 4 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
      framesPerSecond: int('WS_FRAMES_PER_SECOND', 50, 1, 100_000),
      frameBurst: int('WS_FRAME_BURST', 100, 1, 100_000),
      maxConnectionsPerUser: int('WS_MAX_CONNECTIONS_PER_USER', 20, 1, 100_000),
    },
    passwordHashing: {
      concurrency: int('PASSWORD_HASH_CONCURRENCY', Math.max(1, availableParallelism() - 1), 1, 256),
      queueLimit: int('PASSWORD_HASH_QUEUE_LIMIT', 200, 0, 1_000_000),
      nice: int('PASSWORD_HASH_NICE', 10, 0, 19),
    },
    loginThrottle: {
      windowSeconds: int('LOGIN_THROTTLE_WINDOW_SECONDS', 900, 1, 86_400),
      maxFailuresPerAccount: int('LOGIN_MAX_FAILURES_PER_ACCOUNT', 10, 1, 100_000),
      maxFailuresPerAccountTotal: int('LOGIN_MAX_FAILURES_PER_ACCOUNT_TOTAL', 100, 1, 1_000_000),
      maxAttemptsPerAddress: int('LOGIN_MAX_ATTEMPTS_PER_ADDRESS', 100, 1, 1_000_000),
    },
    sessions: {
      cacheSeconds: int('SESSION_CACHE_SECONDS', 60, 0, 3600),
      cacheSecondsWithoutBus: int('SESSION_CACHE_SECONDS_WITHOUT_BUS', 2, 0, 60),
    },
    limits: {
      messagesPerMinutePerUser: int('MESSAGES_PER_MINUTE_PER_USER', 600, 1, 10_000_000),
      registrationsPerAddress: int('REGISTRATIONS_PER_ADDRESS', 20, 1, 1_000_000),
      registrationWindowSeconds: int('REGISTRATION_WINDOW_SECONDS', 3600, 1, 86_400),
      searchesPerMinutePerUser: int('USER_SEARCHES_PER_MINUTE_PER_USER', 60, 1, 1_000_000),
      searchesPerMinutePerAddress: int('USER_SEARCHES_PER_MINUTE_PER_ADDRESS', 120, 1, 1_000_000),
      messageSearchesPerMinutePerUser: int('MESSAGE_SEARCHES_PER_MINUTE_PER_USER', 60, 1, 1_000_000),
    },
    attachments,
    messages: {
      editWindowSeconds: int('MESSAGE_EDIT_WINDOW_SECONDS', 900, 0, 365 * 86_400),
      editGraceSeconds: int('MESSAGE_EDIT_GRACE_SECONDS', 60, 0, 3_600),
      deleteWindowSeconds: int('MESSAGE_DELETE_WINDOW_SECONDS', 172_800, 0, 365 * 86_400),
    },
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}

function secretWeakness(secret: string): string | undefined {
  if (secret.length < 32) return `must be at least 32 characters (got ${secret.length})`;
  if (KNOWN_WEAK_SECRETS.has(secret.toLowerCase())) return 'is a published example value';
  if (new Set(secret).size < 10) return 'is too repetitive to be a random secret';
  return undefined;
}

/** HKDF label of a search key derived from ENCRYPTION_KEY: one key, two purposes, never the same bytes. */
const SEARCH_KEY_LABEL = 'chatflow search index root key v1';

function searchRootKey(configured: string | undefined, contentKey: Buffer, previous: Buffer[], problems: string[]): Buffer {
  if (configured === undefined) {
    return contentKey.length ? Buffer.from(hkdfSync('sha256', contentKey, Buffer.alloc(0), SEARCH_KEY_LABEL, 32)) : Buffer.alloc(0);
  }
  const key = parseKey('SEARCH_KEY', configured, problems);
  if (key && [contentKey, ...previous].some((k) => k.equals(key))) {
    problems.push('SEARCH_KEY must differ from ENCRYPTION_KEY and ENCRYPTION_KEYS_PREVIOUS (one key per purpose)');
  }
  return key ?? Buffer.alloc(0);
}

/** HKDF label of the attachment URL key derived from SECRET_KEY: never the token-signing key itself. */
const ATTACHMENT_URL_KEY_LABEL = 'chatflow attachment url signatures v1';

const S3_VARIABLES = ['S3_ENDPOINT', 'S3_BUCKET', 'S3_REGION', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const;

function attachmentsConfig(
  read: (name: string) => string | undefined,
  int: (name: string, fallback: number, min: number, max: number) => number,
  dataDir: string,
  secretKey: string,
  production: boolean,
  problems: string[],
): AttachmentsConfig {
  let urlKey = Buffer.alloc(0);
  const configuredUrlKey = read('ATTACHMENT_URL_KEY');
  if (configuredUrlKey !== undefined) {
    const weakness = secretWeakness(configuredUrlKey);
    if (weakness) problems.push(`ATTACHMENT_URL_KEY ${weakness}`);
    else if (configuredUrlKey === secretKey) problems.push('ATTACHMENT_URL_KEY must differ from SECRET_KEY (one key per purpose)');
    else urlKey = Buffer.from(configuredUrlKey, 'utf8');
  } else if (secretKey) {
    urlKey = Buffer.from(hkdfSync('sha256', Buffer.from(secretKey, 'utf8'), Buffer.alloc(0), ATTACHMENT_URL_KEY_LABEL, 32));
  } else if (production) {
    problems.push('ATTACHMENT_URL_KEY (or SECRET_KEY, which it is derived from) is required when NODE_ENV=production');
  }

  let storage: AttachmentStorageConfig = { kind: 'local', dir: resolve(read('ATTACHMENT_DIR') ?? resolve(dataDir, 'attachments')) };
  if (S3_VARIABLES.some((name) => read(name) !== undefined)) {
    const missing = S3_VARIABLES.filter((name) => name !== 'S3_ENDPOINT' && read(name) === undefined);
    if (missing.length) problems.push(`S3 storage needs ${missing.join(', ')} as well (or none of the S3_ variables, for storage in a folder)`);
    const endpoint = read('S3_ENDPOINT');
    if (endpoint && !/^https?:\/\/[^/\s]+\/?$/.test(endpoint)) problems.push(`S3_ENDPOINT must look like http(s)://host[:port] (got "${endpoint}")`);
    if (production && endpoint?.startsWith('http://') && !/^http:\/\/(localhost|127\.0\.0\.1|minio|\[::1\])([:/]|$)/.test(endpoint)) {
      problems.push('S3_ENDPOINT must use https in production (plain http only to localhost or a local MinIO)');
    }
    const rawPathStyle = read('S3_FORCE_PATH_STYLE') ?? 'false';
    if (rawPathStyle !== 'true' && rawPathStyle !== 'false') problems.push(`S3_FORCE_PATH_STYLE must be true or false (got "${rawPathStyle}")`);
    storage = {
      kind: 's3',
      endpoint,
      bucket: read('S3_BUCKET') ?? '',
      region: read('S3_REGION') ?? '',
      accessKeyId: read('S3_ACCESS_KEY_ID') ?? '',
      secretAccessKey: read('S3_SECRET_ACCESS_KEY') ?? '',
      forcePathStyle: rawPathStyle === 'true',
    };
  }

  return {
    maxBytes: int('ATTACHMENT_MAX_BYTES', DEFAULT_ATTACHMENT_MAX_BYTES, 1, 5 * 1024 ** 3),
    uploadsPerHourPerUser: int('ATTACHMENT_UPLOADS_PER_HOUR_PER_USER', 300, 1, 10_000_000),
    urlTtlSeconds: int('ATTACHMENT_URL_TTL_SECONDS', 600, 5, 7 * 86_400),
    urlKey,
    unattachedTtlSeconds: int('ATTACHMENT_UNATTACHED_TTL_SECONDS', 86_400, 60, 30 * 86_400),
    sweepIntervalMs: int('ATTACHMENT_SWEEP_INTERVAL_SECONDS', 3_600, 0, 86_400) * 1000,
    tmpDir: resolve(dataDir, 'tmp', 'uploads'),
    storage,
  };
}

function parseKey(name: string, value: string, problems: string[]): Buffer | undefined {
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32 || key.toString('base64').replace(/=+$/, '') !== value.replace(/=+$/, '')) {
    problems.push(`${name} must be 32 random bytes in base64 (openssl rand -base64 32)`);
    return undefined;
  }
  if (new Set(key).size < 8) {
    problems.push(`${name} is not random (too few distinct bytes)`);
    return undefined;
  }
  return key;
}
