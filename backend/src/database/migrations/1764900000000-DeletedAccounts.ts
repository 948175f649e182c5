import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts can be deleted. The row stays (others' conversations still name its messages'
 * sender) but loses everything personal: email and password hash become NULL, the username
 * a placeholder no registration can take, `deleted_at` says when. A one-on-one with a
 * deleted account ends (`ended_at`): nobody writes in it again, which the append statement
 * reads from the conversation row it already joins.
 */
export class DeletedAccounts1764900000000 implements MigrationInterface {
  name = 'DeletedAccounts1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ALTER COLUMN email DROP NOT NULL, ALTER COLUMN password_hash DROP NOT NULL, ADD COLUMN deleted_at timestamptz`);
    await q.query(
      `ALTER TABLE users ADD CONSTRAINT users_live_have_credentials CHECK (deleted_at IS NOT NULL OR (email IS NOT NULL AND password_hash IS NOT NULL))`,
    );
    await q.query(`ALTER TABLE conversations ADD COLUMN ended_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE conversations DROP COLUMN ended_at`);
    await q.query(`DELETE FROM users WHERE deleted_at IS NOT NULL`);
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_live_have_credentials`);
    await q.query(`ALTER TABLE users DROP COLUMN deleted_at, ALTER COLUMN email SET NOT NULL, ALTER COLUMN password_hash SET NOT NULL`);
  }
}
