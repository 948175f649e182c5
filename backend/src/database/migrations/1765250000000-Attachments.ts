import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Attachments (issue 16): one row per uploaded file, its bytes in the blob store sealed under a
 * key of its own that the content key wraps; and the blobs due for removal (see
 * attachments/attachment.entity.ts).
 */
export class Attachments1765250000000 implements MigrationInterface {
  name = 'Attachments1765250000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE attachments (
        id uuid PRIMARY KEY,
        uploader_id uuid NOT NULL,
        message_id uuid,
        claimed_for uuid,
        claimed_at timestamptz,
        position smallint NOT NULL DEFAULT 0,
        filename_ciphertext bytea NOT NULL,
        wrapped_key bytea NOT NULL,
        key_id character varying(16) NOT NULL,
        content_type character varying(128) NOT NULL,
        size bigint NOT NULL,
        width integer,
        height integer,
        thumbnail_size integer,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        CONSTRAINT attachments_uploader_id_fkey FOREIGN KEY (uploader_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT attachments_message_id_fkey FOREIGN KEY (message_id) REFERENCES messages (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX attachments_message_id_idx ON attachments (message_id)`);
    await q.query(`CREATE INDEX attachments_uploader_id_idx ON attachments (uploader_id)`);
    await q.query(`CREATE INDEX attachments_claimed_for_idx ON attachments (claimed_for) WHERE claimed_for IS NOT NULL`);
    await q.query(`CREATE TABLE attachment_purges (attachment_id uuid PRIMARY KEY, not_before timestamptz NOT NULL DEFAULT now())`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE attachment_purges`);
    await q.query(`DROP TABLE attachments`);
  }
}
