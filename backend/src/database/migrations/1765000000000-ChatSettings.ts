import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each participant's own settings of a chat, on every device of theirs: muted until when,
 * pinned since when, archived since when, marked as unread; `settings_version` grows with
 * every change, so the newest announcement wins whatever order they arrive in.
 */
export class ChatSettings1765000000000 implements MigrationInterface {
  name = 'ChatSettings1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE participants
         ADD COLUMN muted_until timestamptz,
         ADD COLUMN pinned_at timestamptz,
         ADD COLUMN archived_at timestamptz,
         ADD COLUMN marked_unread boolean NOT NULL DEFAULT false,
         ADD COLUMN settings_version integer NOT NULL DEFAULT 0`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE participants DROP COLUMN muted_until, DROP COLUMN pinned_at, DROP COLUMN archived_at,
         DROP COLUMN marked_unread, DROP COLUMN settings_version`,
    );
  }
}
