import { randomBytes } from 'node:crypto';
import type { TestApp } from './app';

export interface TestUser {
  id: string;
  username: string;
  email: string;
  password: string;
  token: string;
  /** `Authorization` header value. */
  auth: string;
}

/** A username no other test (or earlier run on the same database) has used. */
export function uniqueName(prefix = 'u'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** Registers a fresh user through the API and logs them in. */
export async function registerUser(t: TestApp, prefix = 'u', fullName?: string): Promise<TestUser> {
  const username = uniqueName(prefix);
  const email = `${username}@example.test`;
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const reg = await t.http().post('/auth/register').send({ username, email, password, ...(fullName ? { full_name: fullName } : {}) });
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${JSON.stringify(reg.body)}`);
  const login = await t.http().post('/auth/login').send({ username, password });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  const { id } = reg.body as { id: string };
  const { access_token: token } = login.body as { access_token: string };
  return { id, username, email, password, token, auth: `Bearer ${token}` };
}

/** Creates a conversation as `owner` with the given others and returns its id. */
export async function startConversation(t: TestApp, owner: TestUser, others: TestUser[], name?: string): Promise<string> {
  const res = await t
    .http()
    .post('/conversations/')
    .set('Authorization', owner.auth)
    .send({ participant_ids: others.map((o) => o.id), ...(name ? { name } : {}) });
  if (res.status !== 201 && res.status !== 200) throw new Error(`create conversation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { id: string }).id;
}

/** Users inserted straight into the database: real rows, without paying for a password hash each (they cannot log in). */
export async function insertUsers(t: TestApp, n: number): Promise<string[]> {
  const prefix = uniqueName('bulk');
  const { rows } = await t.db.query<{ id: string }>(
    `INSERT INTO users (username, email, password_hash)
     SELECT $1 || '_' || i, $1 || '_' || i || '@example.test', 'not-a-hash'
       FROM generate_series(1, $2::int) AS i
     RETURNING id`,
    [prefix, n],
  );
  return rows.map((r) => r.id);
}
