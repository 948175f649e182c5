import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ChatMessage } from './messages';

/**
 * Where the user's messages on their way are kept across a reload: each is written when sent
 * and removed when the server acknowledges (or refuses) it, so a page reloaded with messages
 * still unacknowledged shows them again and sends them again with their client_id (the
 * server stores a client_id once). Writes are not awaited: the store is a safety net and the
 * UI never waits on it.
 */
export interface OutboxStorage {
  /** The user's messages still on their way, in the order they were sent. */
  load: () => Promise<ChatMessage[]>;
  save: (message: ChatMessage) => void;
  remove: (clientId: string) => void;
}

const DB_NAME = 'chatflow';
const DB_VERSION = 1;
const STORE = 'outbox';

interface StoredMessage {
  user_id: string;
  client_id: string;
  /** When it was first queued (ms), with a counter in the low digits: two sends in one millisecond keep their order. */
  order: number;
  message: ChatMessage;
}

interface ChatFlowDb extends DBSchema {
  outbox: { key: [string, string]; value: StoredMessage; indexes: { by_user: string } };
}

let opening: Promise<IDBPDatabase<ChatFlowDb>> | null = null;

/** The database, opened once per page (and again after a failure, e.g. storage that was full). */
function database(): Promise<IDBPDatabase<ChatFlowDb>> {
  // Started in a `then`, so a browser without IndexedDB at all rejects rather than throws.
  opening ??= Promise.resolve()
    .then(() =>
      openDB<ChatFlowDb>(DB_NAME, DB_VERSION, {
        upgrade(db) {
          const store = db.createObjectStore(STORE, { keyPath: ['user_id', 'client_id'] });
          store.createIndex('by_user', 'user_id');
        },
        // Another tab upgrading the schema: step aside rather than block it.
        blocking() {
          void opening?.then((db) => db.close());
          opening = null;
        },
      }),
    )
    .catch((error: unknown) => {
      opening = null;
      throw error;
    });
  return opening;
}

/** Runs a write, giving up quietly when IndexedDB is unavailable (disabled, private mode, full). */
function attempt(write: (db: IDBPDatabase<ChatFlowDb>) => Promise<unknown>): Promise<void> {
  return database()
    .then(write)
    .then(
      () => undefined,
      () => undefined,
    );
}

let sequence = 0;

/** The outbox of one user in this browser's IndexedDB (database `chatflow`, store `outbox`, keyed by user and client_id). */
export function indexedDbOutboxStorage(userId: string): OutboxStorage {
  return {
    async load() {
      try {
        const rows = await (await database()).getAllFromIndex(STORE, 'by_user', userId);
        return rows.sort((a, b) => a.order - b.order).map((row) => row.message);
      } catch {
        return [];
      }
    },
    save(message) {
      const order = Date.now() * 1000 + (sequence++ % 1000);
      const { local: _local, error: _error, previews: _previews, ...stored } = message;
      void attempt((db) => db.put(STORE, { user_id: userId, client_id: message.client_id!, order, message: stored }));
    },
    remove(clientId) {
      void attempt((db) => db.delete(STORE, [userId, clientId]));
    },
  };
}

/** Forgets every message the user left unsent in this browser (they logged out, or deleted their account). */
export function clearStoredOutbox(userId: string): Promise<void> {
  return attempt(async (db) => {
    const tx = db.transaction(STORE, 'readwrite');
    for (const key of await tx.store.index('by_user').getAllKeys(userId)) await tx.store.delete(key);
    await tx.done;
  });
}
