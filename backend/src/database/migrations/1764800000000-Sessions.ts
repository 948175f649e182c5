import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions: every login is one (its id travels in the token), so one can be logged out —
 * revoked — without waiting for its token to expire. Tokens issued before this migration
 * name no session and are refused: their holders log in again.
 */
export class Sessions1764800000000 implements MigrationInterface {
  name = 'Sessions1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        last_used_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        expires_at timestamptz NOT NULL,
        user_agent varchar(512),
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX sessions_user_id_idx ON sessions (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sessions`);
  }
}
