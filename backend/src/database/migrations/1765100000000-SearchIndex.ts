import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The search index (a blind index): each user message's words and word prefixes as keyed,
 * truncated hashes (`search_tokens`, 32-bit integers) under the search key named by
 * `search_key_id`. Written with the message, replaced on edit, cleared on deletion (a check
 * keeps tokens only beside content). Rows stored before this migration have none until
 * `npm run reindex` gives them theirs: the database cannot compute a keyed hash itself.
 *
 * An int4[] column with a GIN index rather than a table of (token, message) rows: the tokens
 * are written by the same INSERT as the message (no second statement, no row per word), a
 * deletion is one UPDATE, and `search_tokens @> ARRAY[...]` intersects the posting lists of
 * every query word inside the index. Measured in bench/README.md (search part).
 */
export class SearchIndex1765100000000 implements MigrationInterface {
  name = 'SearchIndex1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messages ADD COLUMN search_tokens integer[], ADD COLUMN search_key_id character varying(16)`);
    await q.query(
      `ALTER TABLE messages ADD CONSTRAINT messages_search_tokens_check
         CHECK ((search_tokens IS NULL) = (search_key_id IS NULL) AND (search_tokens IS NULL OR content_ciphertext IS NOT NULL))`,
    );
    await q.query(`CREATE INDEX messages_search_tokens_idx ON messages USING gin (search_tokens)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX messages_search_tokens_idx`);
    await q.query(`ALTER TABLE messages DROP CONSTRAINT messages_search_tokens_check`);
    await q.query(`ALTER TABLE messages DROP COLUMN search_key_id, DROP COLUMN search_tokens`);
  }
}
