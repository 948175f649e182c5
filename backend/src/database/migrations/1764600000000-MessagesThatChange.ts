import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Messages that change: kinds, versions, edits, deletions, replies and reactions, and a
 * per-conversation change number (`event_seq`) that orders every change in commit order.
 * A message's creation is the change at its own `messages.event_seq`; later changes to it
 * (an edit, a deletion, a reaction) are rows of `conversation_changes`. Existing messages
 * become the changes 1…last_seq of their conversation, each at version 1.
 */
export class MessagesThatChange1764600000000 implements MigrationInterface {
  name = 'MessagesThatChange1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE conversations ADD COLUMN last_event_seq bigint NOT NULL DEFAULT 0`);
    await q.query(`UPDATE conversations SET last_event_seq = last_seq WHERE last_seq > 0`);

    await q.query(`
      ALTER TABLE messages
        ADD COLUMN event_seq bigint,
        ADD COLUMN kind varchar(8) NOT NULL DEFAULT 'user',
        ADD COLUMN version integer NOT NULL DEFAULT 1,
        ADD COLUMN edited_at timestamptz,
        ADD COLUMN deleted_at timestamptz,
        ADD COLUMN reply_to_id uuid,
        ADD COLUMN system jsonb,
        ALTER COLUMN content_ciphertext DROP NOT NULL,
        ALTER COLUMN content_key_id DROP NOT NULL`);
    await q.query(`UPDATE messages SET event_seq = seq`);
    await q.query(`ALTER TABLE messages ALTER COLUMN event_seq SET NOT NULL`);
    await q.query(`
      ALTER TABLE messages
        ADD CONSTRAINT messages_reply_to_id_fkey FOREIGN KEY (reply_to_id) REFERENCES messages (id) ON DELETE SET NULL,
        ADD CONSTRAINT messages_kind_check CHECK (kind IN ('user', 'system')),
        ADD CONSTRAINT messages_content_check CHECK (
          (content_ciphertext IS NOT NULL) = (content_key_id IS NOT NULL)
          AND (content_ciphertext IS NOT NULL) = (kind = 'user' AND deleted_at IS NULL)
        )`);
    await q.query(`CREATE UNIQUE INDEX messages_conversation_event_seq_key ON messages (conversation_id, event_seq)`);

    await q.query(`
      CREATE TABLE message_reactions (
        message_id uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        emoji varchar(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        PRIMARY KEY (message_id, user_id)
      )`);

    await q.query(`
      CREATE TABLE conversation_changes (
        conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        event_seq bigint NOT NULL,
        type varchar(32) NOT NULL,
        message_id uuid REFERENCES messages (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        PRIMARY KEY (conversation_id, event_seq),
        CONSTRAINT conversation_changes_type_check CHECK (type IN ('message_updated', 'message_deleted', 'conversation_updated'))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE conversation_changes`);
    await q.query(`DROP TABLE message_reactions`);
    await q.query(`DELETE FROM messages WHERE content_ciphertext IS NULL`);
    await q.query(`
      ALTER TABLE messages
        DROP CONSTRAINT messages_content_check,
        DROP CONSTRAINT messages_kind_check,
        DROP CONSTRAINT messages_reply_to_id_fkey,
        DROP COLUMN system,
        DROP COLUMN reply_to_id,
        DROP COLUMN deleted_at,
        DROP COLUMN edited_at,
        DROP COLUMN version,
        DROP COLUMN kind,
        DROP COLUMN event_seq,
        ALTER COLUMN content_ciphertext SET NOT NULL,
        ALTER COLUMN content_key_id SET NOT NULL`);
    await q.query(`ALTER TABLE conversations DROP COLUMN last_event_seq`);
  }
}
