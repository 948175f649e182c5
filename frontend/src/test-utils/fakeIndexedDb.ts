import 'fake-indexeddb/auto';
import { deserialize, serialize } from 'node:v8';

// An in-memory IndexedDB (fake-indexeddb) for the tests that store the outbox. It copies values
// with structuredClone, which Node has and jsdom's window does not: Node's serializer does the same.
globalThis.structuredClone ??= <T>(value: T): T => deserialize(serialize(value)) as T;
