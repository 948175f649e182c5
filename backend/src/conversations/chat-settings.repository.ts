import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { sql } from '../platform/database/sql';

/** One participant's own settings of a chat, as stored. */
export interface StoredSettings {
  muted_until: Date | null;
  pinned_at: Date | null;
  archived_at: Date | null;
  marked_unread: boolean;
  settings_version: number;
}

/** The settings a change leaves (the version is the repository's to move). */
export type SettingsValues = Omit<StoredSettings, 'settings_version'>;

/** The settings columns of `participants`, for the statements that return them. */
export const SETTINGS_COLUMNS = 'muted_until, pinned_at, archived_at, marked_unread, settings_version';

/** SQL for each participant's own settings of their chats (columns of `participants`). */
@Injectable()
export class ChatSettingsRepository {
  constructor(@InjectEntityManager() private readonly db: EntityManager) {}

  /**
   * Changes the user's settings of a conversation in one transaction: `decide` sees them as
   * they are (locked) and how many other chats the user has pinned, and returns the new
   * ones (or throws). The user's row is locked first, so two pins at once count each other.
   * Undefined when the user is not a participant.
   */
  change(
    conversationId: string,
    userId: string,
    decide: (current: StoredSettings, pinnedElsewhere: number) => SettingsValues,
  ): Promise<StoredSettings | undefined> {
    return this.db.transaction(async (tx) => {
      await sql(tx, `SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE`, [userId]);
      const [current] = await sql<StoredSettings & { pinned_elsewhere: number }>(
        tx,
        `SELECT ${SETTINGS_COLUMNS},
                (SELECT count(*)::int FROM participants o
                  WHERE o.user_id = $2 AND o.conversation_id <> $1 AND o.pinned_at IS NOT NULL) AS pinned_elsewhere
           FROM participants WHERE conversation_id = $1 AND user_id = $2 FOR NO KEY UPDATE`,
        [conversationId, userId],
      );
      if (!current) return undefined;
      const next = decide(current, current.pinned_elsewhere);
      const [stored] = await sql<StoredSettings>(
        tx,
        `UPDATE participants
            SET muted_until = $3, pinned_at = $4, archived_at = $5, marked_unread = $6, settings_version = settings_version + 1
          WHERE conversation_id = $1 AND user_id = $2
          RETURNING ${SETTINGS_COLUMNS}`,
        [conversationId, userId, next.muted_until, next.pinned_at, next.archived_at, next.marked_unread],
      );
      return stored;
    });
  }

  /** The settings of every participant who ever changed theirs, by user id (for announcing a conversation to each). */
  async ofParticipants(conversationId: string): Promise<Map<string, StoredSettings>> {
    const rows = await sql<StoredSettings & { user_id: string }>(
      this.db,
      `SELECT user_id, ${SETTINGS_COLUMNS} FROM participants WHERE conversation_id = $1 AND settings_version > 0`,
      [conversationId],
    );
    return new Map(rows.map(({ user_id, ...settings }) => [user_id, settings]));
  }
}
