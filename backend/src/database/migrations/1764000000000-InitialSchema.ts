import { MigrationInterface, QueryRunner } from 'typeorm';

/** Users, conversations, participants and messages, with an index for every query path. */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username varchar(32) NOT NULL,
        email varchar(254) NOT NULL,
        password_hash varchar(255) NOT NULL,
        full_name varchar(100),
        avatar_url varchar(2048),
        last_seen_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
      )`);
    await q.query(`CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username))`);
    await q.query(`CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email))`);

    await q.query(`
      CREATE TABLE conversations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(100),
        is_group_chat boolean NOT NULL,
        direct_key varchar(73),
        last_seq bigint NOT NULL DEFAULT 0,
        last_message_at timestamptz,
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        CONSTRAINT conversations_direct_has_no_name CHECK (is_group_chat OR name IS NULL)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX conversations_direct_key_key ON conversations (direct_key) WHERE direct_key IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE participants (
        conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        last_read_timestamp timestamptz,
        last_read_seq bigint NOT NULL DEFAULT 0,
        last_delivered_timestamp timestamptz,
        last_delivered_seq bigint NOT NULL DEFAULT 0,
        joined_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        PRIMARY KEY (conversation_id, user_id)
      )`);
    await q.query(`CREATE INDEX participants_user_id_idx ON participants (user_id, conversation_id)`);

    await q.query(`
      CREATE TABLE messages (
        id uuid PRIMARY KEY,
        conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        seq bigint NOT NULL,
        sender_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        client_id varchar(64),
        content_ciphertext bytea NOT NULL,
        content_key_id varchar(32) NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX messages_conversation_seq_key ON messages (conversation_id, seq)`);
    await q.query(
      `CREATE UNIQUE INDEX messages_sender_client_id_key ON messages (sender_id, client_id) WHERE client_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX messages_sender_id_idx ON messages (sender_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE messages`);
    await q.query(`DROP TABLE participants`);
    await q.query(`DROP TABLE conversations`);
    await q.query(`DROP TABLE users`);
  }
}
