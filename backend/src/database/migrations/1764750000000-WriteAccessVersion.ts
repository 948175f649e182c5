import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A per-conversation counter of the changes that take away someone's right to write in it:
 * a member removed or gone, a block between the two people of a one-on-one. The statement
 * that stores messages checks the sender against its snapshot, then waits for the
 * conversation's row lock; when the counter moved in between, its check is stale and it
 * tries again (MessagesRepository), so no message is stored after its sender's removal.
 */
export class WriteAccessVersion1764750000000 implements MigrationInterface {
  name = 'WriteAccessVersion1764750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE conversations ADD COLUMN access_version bigint NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE conversations DROP COLUMN access_version`);
  }
}
