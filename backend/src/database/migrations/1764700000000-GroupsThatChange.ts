import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Groups that change, and blocking: a role per participant (one owner per group), the
 * point in the conversation each participant joined at (a member added later sees what
 * came from their `member_added` on), and who blocked whom. In existing groups the creator
 * becomes the owner (or, when their account is gone, the longest-standing member).
 */
export class GroupsThatChange1764700000000 implements MigrationInterface {
  name = 'GroupsThatChange1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE participants
        ADD COLUMN role varchar(8) NOT NULL DEFAULT 'member',
        ADD COLUMN joined_seq bigint NOT NULL DEFAULT 0,
        ADD COLUMN joined_event_seq bigint NOT NULL DEFAULT 0,
        ADD CONSTRAINT participants_role_check CHECK (role IN ('owner', 'admin', 'member'))`);
    await q.query(`
      UPDATE participants p SET role = 'owner'
        FROM conversations c
       WHERE c.id = p.conversation_id AND c.is_group_chat AND c.created_by = p.user_id`);
    await q.query(`
      UPDATE participants p SET role = 'owner'
       WHERE (p.conversation_id, p.user_id) IN (
         SELECT DISTINCT ON (o.conversation_id) o.conversation_id, o.user_id
           FROM participants o JOIN conversations c ON c.id = o.conversation_id
          WHERE c.is_group_chat
            AND NOT EXISTS (SELECT 1 FROM participants x WHERE x.conversation_id = o.conversation_id AND x.role = 'owner')
          ORDER BY o.conversation_id, o.joined_at, o.user_id)`);
    await q.query(`CREATE UNIQUE INDEX participants_one_owner_key ON participants (conversation_id) WHERE role = 'owner'`);

    await q.query(`
      CREATE TABLE blocks (
        blocker_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        blocked_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        PRIMARY KEY (blocker_id, blocked_id),
        CONSTRAINT blocks_not_self_check CHECK (blocker_id <> blocked_id)
      )`);
    await q.query(`CREATE INDEX blocks_blocked_id_idx ON blocks (blocked_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE blocks`);
    await q.query(`DROP INDEX participants_one_owner_key`);
    await q.query(`
      ALTER TABLE participants
        DROP CONSTRAINT participants_role_check,
        DROP COLUMN joined_event_seq,
        DROP COLUMN joined_seq,
        DROP COLUMN role`);
  }
}
