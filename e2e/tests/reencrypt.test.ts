import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { startApp } from '../support/app';
import { chatApi } from '../support/chat';
import { privateDatabase, runMaintenance } from '../support/commands';
import { registerUser } from '../support/users';

const keyId = (base64: string) => createHash('sha256').update(Buffer.from(base64, 'base64')).digest('hex').slice(0, 16);

describe('npm run reencrypt (the built command, on a database of its own)', () => {
  const oldKey = randomBytes(32).toString('base64');
  const newKey = randomBytes(32).toString('base64');
  const secretKey = randomBytes(32).toString('base64url');
  let database: { url: string; drop: () => Promise<void> };
  let db: Pool;
  const env = (keys: Record<string, string>) => ({ NODE_ENV: 'test', SECRET_KEY: secretKey, DATABASE_URL: database.url, ...keys });

  beforeEach(async () => {
    database = await privateDatabase();
    db = new Pool({ connectionString: database.url, max: 2 });
  });
  afterEach(async () => {
    await db.end();
    await database.drop();
  });

  const keysInUse = async () =>
    Object.fromEntries(
      (await db.query<{ k: string; n: string }>(`SELECT content_key_id AS k, count(*) AS n FROM messages WHERE content_key_id IS NOT NULL GROUP BY 1`)).rows.map(
        (r) => [r.k, Number(r.n)],
      ),
    );

  it('moves every row onto the new key in resumable batches, refuses while a needed key is missing, and history reads with the new key alone', async () => {
    // Seven messages under the old key, one of them edited, and one deleted for everyone (no ciphertext left).
    const before = await startApp({ env: { DATABASE_URL: database.url, SECRET_KEY: secretKey, ENCRYPTION_KEY: oldKey } });
    const api = chatApi(before.http);
    const [alice, bob] = [await registerUser(before, 'alice'), await registerUser(before, 'bob')];
    const conversationId = (await api.createDirect(alice, bob)).body.id as string;
    const texts = ['one', 'two 🙂', 'שלום', 'four', 'five', 'six', 'seven'];
    const sent: { id: string }[] = [];
    for (const text of texts) sent.push((await api.send(alice, conversationId, text)).body as { id: string });
    expect((await api.edit(alice, conversationId, sent[1].id, 'two, edited')).status).toBe(200);
    const gone = (await api.send(bob, conversationId, 'deleted for everyone')).body as { id: string };
    expect((await api.deleteMessage(bob, conversationId, gone.id)).status).toBe(200);
    const expected = (await api.messages(alice, conversationId)).body as unknown[];
    await before.close();
    const versions = (await db.query(`SELECT id, version, edited_at FROM messages ORDER BY id`)).rows;
    expect(await keysInUse()).toEqual({ [keyId(oldKey)]: 7 });

    const rotated = env({ ENCRYPTION_KEY: newKey, ENCRYPTION_KEYS_PREVIOUS: oldKey });
    const check = await runMaintenance('reencrypt', ['--check'], rotated);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(new RegExp(`${keyId(oldKey)}\\s+7 rows\\s+\\(previous\\)`));

    // An interrupted run: two batches of two, then it stops.
    const first = await runMaintenance('reencrypt', ['--batch-size', '2', '--max-batches', '2'], rotated);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/re-encrypted 4 of 7 rows on older keys in 2 batches of up to 2; 3 rows left on older keys/);
    expect(await keysInUse()).toEqual({ [keyId(oldKey)]: 3, [keyId(newKey)]: 4 });

    // The old key retired too early: the command refuses, naming it and its rows, and changes nothing.
    const refused = await runMaintenance('reencrypt', [], env({ ENCRYPTION_KEY: newKey }));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`not configured.*${keyId(oldKey)} \\(3 rows\\)`));
    expect(await keysInUse()).toEqual({ [keyId(oldKey)]: 3, [keyId(newKey)]: 4 });

    // Run again: it carries on with the three left.
    const second = await runMaintenance('reencrypt', ['--batch-size', '2'], rotated);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/re-encrypted 3 of 3 rows on older keys in 2 batches of up to 2; 0 rows left on older keys/);
    expect(second.stdout).toMatch(`every row is on the current key ${keyId(newKey)}`);
    expect(await keysInUse()).toEqual({ [keyId(newKey)]: 7 });
    // Not an edit: versions and edit times are untouched.
    expect((await db.query(`SELECT id, version, edited_at FROM messages ORDER BY id`)).rows).toEqual(versions);

    const again = await runMaintenance('reencrypt', [], rotated);
    expect(again.stdout).toMatch(/re-encrypted 0 of 0 rows/);

    const after = await startApp({ env: { DATABASE_URL: database.url, SECRET_KEY: secretKey, ENCRYPTION_KEY: newKey } });
    try {
      const history = await chatApi(after.http).messages(alice, conversationId);
      expect(history.status).toBe(200);
      expect(history.body).toEqual(expected);
      expect((history.body as { content: string }[]).map((m) => m.content)).toEqual(expect.arrayContaining(['one', 'two, edited', 'שלום', 'seven']));
    } finally {
      await after.close();
    }
  });

  it('leaves a row that will not decrypt as it is, names it and exits with 1', async () => {
    const app = await startApp({ env: { DATABASE_URL: database.url, SECRET_KEY: secretKey, ENCRYPTION_KEY: oldKey } });
    const api = chatApi(app.http);
    const [carol, dave] = [await registerUser(app, 'carol'), await registerUser(app, 'dave')];
    const conversationId = (await api.createDirect(carol, dave)).body.id as string;
    const tampered = (await api.send(carol, conversationId, 'tampered with')).body as { id: string };
    const fine = (await api.send(carol, conversationId, 'fine')).body as { id: string };
    await app.close();
    await db.query(`UPDATE messages SET content_ciphertext = content_ciphertext || '\\x00'::bytea WHERE id = $1`, [tampered.id]);

    const run = await runMaintenance('reencrypt', [], env({ ENCRYPTION_KEY: newKey, ENCRYPTION_KEYS_PREVIOUS: oldKey }));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/re-encrypted 1 of 2 rows on older keys in 1 batches of up to 500; 1 rows left on older keys/);
    expect(run.stderr).toMatch(`1 rows would not decrypt with their key (tampered or corrupt) and were left as they are: ${tampered.id}`);
    const keys = (await db.query<{ id: string; k: string }>(`SELECT id, content_key_id AS k FROM messages WHERE id = ANY($1)`, [[tampered.id, fine.id]])).rows;
    expect(Object.fromEntries(keys.map((r) => [r.id, r.k]))).toEqual({ [tampered.id]: keyId(oldKey), [fine.id]: keyId(newKey) });
  });

  it('re-wraps the attachments’ file keys and names too: their files read with the new key alone, untouched', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'chatflow-reencrypt-'));
    try {
      const app = await startApp({ env: { DATABASE_URL: database.url, SECRET_KEY: secretKey, ENCRYPTION_KEY: oldKey, DATA_DIR: dataDir } });
      const alice = await registerUser(app, 'alice');
      const content = Buffer.from('a file sealed before the rotation\n');
      const res = await app.http().post('/attachments').set('Authorization', alice.auth).attach('file', content, 'before.txt');
      expect(res.status).toBe(201);
      const id = (res.body as { id: string }).id;
      await app.close();
      const sealed = readFileSync(join(dataDir, 'attachments', id, 'original'));

      const run = await runMaintenance('reencrypt', [], env({ ENCRYPTION_KEY: newKey, ENCRYPTION_KEYS_PREVIOUS: oldKey }));
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/re-encrypted 1 of 1 rows/);
      expect((await db.query(`SELECT key_id FROM attachments WHERE id = $1`, [id])).rows).toEqual([{ key_id: keyId(newKey) }]);
      expect(readFileSync(join(dataDir, 'attachments', id, 'original')).equals(sealed)).toBe(true);

      const after = await startApp({ env: { DATABASE_URL: database.url, SECRET_KEY: secretKey, ENCRYPTION_KEY: newKey, DATA_DIR: dataDir } });
      try {
        const fresh = await after.http().get(`/attachments/${id}`).set('Authorization', alice.auth);
        expect(fresh.body).toMatchObject({ filename: 'before.txt' });
        const file = await after.http().get((fresh.body as { url: string }).url);
        expect(file.status).toBe(200);
        expect(file.text).toBe(content.toString());
      } finally {
        await after.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
