import { createStore, type StoreApi } from 'zustand';
import type { ConnectionState } from '../realtime/RealtimeClient';

/** The connection as the UI shows it. */
export interface Connection {
  state: ConnectionState;
  /** While `waiting`: when the next attempt starts. */
  retryInMs?: number;
  /** While `waiting`: how the server closed the last connection (CLOSE_CODES), if it said. */
  closeCode?: number;
}

export type ConnectionStore = StoreApi<Connection>;

export function createConnectionStore(): ConnectionStore {
  return createStore<Connection>()(() => ({ state: 'stopped' }));
}
