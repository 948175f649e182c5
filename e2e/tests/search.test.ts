import { randomBytes, randomUUID } from 'node:crypto';
import type { SearchPageDto } from '../../backend/src/search/dto/search-page.dto';
import { startApp, type TestApp } from '../support/app';
import { bodyOf, type Caller, chatApi, type Message } from '../support/chat';
import { registerUser, type TestUser } from '../support/users';

/** The per-user limit these tests run under (no user here searches this often otherwise). */
const SEARCHES_PER_MINUTE = 40;

/** GET /search (API.md v2, Search): a blind index over content encrypted at rest. */
describe('search', () => {
  let t: TestApp;
  let api: ReturnType<typeof chatApi>;

  beforeAll(async () => {
    t = await startApp({ env: { MESSAGE_SEARCHES_PER_MINUTE_PER_USER: String(SEARCHES_PER_MINUTE) } });
    api = chatApi(t.http);
  });
  afterAll(() => t.close());

  const users = (n: number) => Promise.all(Array.from({ length: n }, () => registerUser(t)));
  const search = (caller: Caller, query: Record<string, string | number>) =>
    t.http().get('/search').query(query).set('Authorization', caller.auth);
  const searchOk = async (caller: Caller, query: Record<string, string | number>): Promise<SearchPageDto> =>
    bodyOf<SearchPageDto>(await search(caller, query), 200);
  /** The ids of what `q` finds for the caller, newest first (one page of up to 100). */
  const found = async (caller: Caller, q: string, extra: Record<string, string> = {}): Promise<string[]> =>
    (await searchOk(caller, { q, limit: 100, ...extra })).results.map((r) => r.message.id);
  /** Every page of what `q` finds for the caller, `limit` a page, following next_before until it is null. */
  async function allPages(caller: Caller, q: string, limit: number): Promise<string[][]> {
    const pages: string[][] = [];
    let before: string | null = null;
    do {
      const page: SearchPageDto = await searchOk(caller, { q, limit, ...(before ? { before } : {}) });
      pages.push(page.results.map((r) => r.message.id));
      before = page.next_before;
    } while (before);
    return pages;
  }
  /** A word no other test has sent. */
  const uniqueWord = () => `zq${randomBytes(5).toString('hex')}`;

  async function direct(): Promise<{ alice: TestUser; bob: TestUser; id: string }> {
    const [alice, bob] = await users(2);
    return { alice, bob, id: bodyOf<{ id: string }>(await api.createDirect(alice, bob), 201).id };
  }

  describe('matching', () => {
    let alice: TestUser;
    let bob: TestUser;
    const sent: Record<string, Message> = {};

    beforeAll(async () => {
      ({ alice, bob } = await direct());
      const id = (await api.listOk(alice))[0].id;
      const texts = {
        cafe: 'Meet me at the Café Crème tomorrow',
        cafeteria: 'The CAFETERIA is closed',
        long: 'Internationalization is hard',
        greek: 'Καλημέρα κόσμε',
        cyrillic: 'Привет, мир! Ёлка горит',
        hebrew: 'שָׁלוֹם עולם',
        japanese: '東京タワーに行きました',
        emoji: 'party 🎉🎉 tonight 👍🏽',
        short: 'ok go',
      };
      for (const [key, text] of Object.entries(texts)) sent[key] = await api.sendOk(key === 'greek' ? bob : alice, id, text);
    });

    it('ignores case and diacritics, in the query and in the message', async () => {
      expect(await found(bob, 'café crème')).toEqual([sent.cafe.id]);
      expect(await found(bob, 'CAFE CREME')).toEqual([sent.cafe.id]);
      expect(await found(bob, 'Cafétéria')).toEqual([sent.cafeteria.id]);
    });

    it('matches prefixes of 3 characters or more, newest first', async () => {
      expect(await found(bob, 'caf')).toEqual([sent.cafeteria.id, sent.cafe.id]);
      expect(await found(bob, 'cafe')).toEqual([sent.cafeteria.id, sent.cafe.id]);
      expect(await found(alice, 'Internationaliz')).toEqual([sent.long.id]);
    });

    it('matches a query word shorter than 3 characters only as a whole word', async () => {
      expect(await found(alice, 'ca')).toEqual([]);
      expect(await found(alice, 'ok')).toEqual([sent.short.id]);
    });

    it('finds a message holding every word of the query, not one of them', async () => {
      expect(await found(alice, 'cafe tomorrow')).toEqual([sent.cafe.id]);
      expect(await found(alice, 'creme closed')).toEqual([]);
    });

    it('confirms candidates on the text: a word sharing only its first 8 characters is no match', async () => {
      // The index stops at 8-character prefixes, so the index names this message; its text does not match.
      expect(await found(alice, 'internatXYZ')).toEqual([]);
    });

    it.each([
      ['Greek', 'καλημερα', 'greek'],
      ['Greek, a prefix in capitals', 'ΚΑΛΗ', 'greek'],
      ['Cyrillic', 'привет', 'cyrillic'],
      ['Cyrillic, ё as е', 'елка', 'cyrillic'],
      ['Hebrew, without vowel points', 'שלום', 'hebrew'],
      ['Japanese, a word of a sentence written without spaces', '東京タワー', 'japanese'],
    ])('finds words of scripts other than Latin: %s', async (_, q, key) => {
      expect(await found(alice, q)).toEqual([sent[key].id]);
    });

    it('ignores emoji, in the message and in the query', async () => {
      expect(await found(alice, 'party tonight')).toEqual([sent.emoji.id]);
      expect(await found(alice, '🎉 tonight')).toEqual([sent.emoji.id]);
      expect((await search(alice, { q: '🎉🎉' })).status).toBe(400);
    });

    it('answers each result with its conversation and the message as history shows it', async () => {
      const page = await searchOk(bob, { q: 'greek καλημέρα' });
      expect(page).toEqual({ results: [], next_before: null });
      const [result] = (await searchOk(alice, { q: 'κόσμε' })).results;
      expect(result).toEqual({ conversation_id: sent.greek.conversation_id, message: sent.greek });
    });
  });

  describe('access', () => {
    it("finds nothing in other people's conversations, and refuses to search one by its id", async () => {
      const word = uniqueWord();
      const { alice, id } = await direct();
      const [stranger] = await users(1);
      await api.sendOk(alice, id, `a secret ${word}`);
      expect(await found(alice, word)).toHaveLength(1);
      expect(await found(stranger, word)).toEqual([]);
      expect((await search(stranger, { q: word, conversation_id: id })).status).toBe(403);
      expect((await search(stranger, { q: word, conversation_id: randomUUID() })).status).toBe(404);
    });

    it('searches one conversation when asked, all of the caller\'s otherwise', async () => {
      const word = uniqueWord();
      const [alice, bob, carol] = await users(3);
      const withBob = bodyOf<{ id: string }>(await api.createDirect(alice, bob), 201).id;
      const withCarol = bodyOf<{ id: string }>(await api.createDirect(alice, carol), 201).id;
      const first = await api.sendOk(bob, withBob, `${word} one`);
      const second = await api.sendOk(carol, withCarol, `${word} two`);
      expect(await found(alice, word)).toEqual([second.id, first.id]);
      expect(await found(alice, word, { conversation_id: withBob })).toEqual([first.id]);
      const [result] = (await searchOk(alice, { q: word, conversation_id: withCarol })).results;
      expect(result.conversation_id).toBe(withCarol);
    });

    it('shows a member added later only what was written since they joined, and a removed member nothing', async () => {
      const word = uniqueWord();
      const [owner, early, late] = await users(3);
      const group = await api.groupOf(owner, [early]);
      const before = await api.sendOk(owner, group, `${word} before`);
      await api.addOk(owner, group, [late]);
      const after = await api.sendOk(early, group, `${word} after`);
      expect(await found(early, word)).toEqual([after.id, before.id]);
      expect(await found(late, word)).toEqual([after.id]);
      expect(await found(late, word, { conversation_id: group })).toEqual([after.id]);
      expect((await search(late, { q: word, before: before.id })).status).toBe(400);

      await api.removeOk(owner, group, early);
      expect(await found(early, word)).toEqual([]);
      expect((await search(early, { q: word, conversation_id: group })).status).toBe(403);
    });

    it('forgets a deleted message, and finds an edited one by its new text only', async () => {
      const [gone, kept] = [uniqueWord(), uniqueWord()];
      const { alice, bob, id } = await direct();
      const deleted = await api.sendOk(alice, id, `${gone} soon deleted`);
      const edited = await api.sendOk(alice, id, `${gone} typo`);
      expect(await found(bob, gone)).toEqual([edited.id, deleted.id]);

      bodyOf(await api.deleteMessage(alice, id, deleted.id), 200);
      bodyOf(await api.edit(alice, id, edited.id, `${kept} fixed`), 200);
      expect(await found(bob, gone)).toEqual([]);
      const [result] = (await searchOk(bob, { q: kept })).results;
      expect(result.message).toMatchObject({ id: edited.id, content: `${kept} fixed`, version: 2 });

      const { rows } = await t.db.query(`SELECT search_tokens, search_key_id FROM messages WHERE id = $1`, [deleted.id]);
      expect(rows).toEqual([{ search_tokens: null, search_key_id: null }]);
    });
  });

  describe('paging', () => {
    it('pages newest first with before = next_before, each message once, until next_before is null', async () => {
      const word = uniqueWord();
      const [alice, bob, carol] = await users(3);
      const one = bodyOf<{ id: string }>(await api.createDirect(alice, bob), 201).id;
      const other = bodyOf<{ id: string }>(await api.createDirect(alice, carol), 201).id;
      const sent: string[] = [];
      for (let i = 0; i < 7; i++) sent.push((await api.sendOk(alice, i % 2 ? one : other, `${word} number ${i}`)).id);
      await api.sendOk(alice, one, 'nothing to find here');

      const pages = await allPages(alice, word, 3);
      expect(pages).toEqual([sent.slice(4).reverse(), sent.slice(1, 4).reverse(), sent.slice(0, 1)]);
    });

    it('pages newest first across more conversations than one statement asks, whatever their latest activity', async () => {
      const word = uniqueWord();
      const [alice, ...others] = await users(41);
      const chats: string[] = [];
      for (const other of others) chats.push(bodyOf<{ id: string }>(await api.createDirect(alice, other), 201).id);
      // Matches spread over every chat in two rounds, in another order the second time; the
      // last activity of many chats is a message that does not match.
      const sent: string[] = [];
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < chats.length; i++) {
          const chat = chats[round ? (i * 7) % chats.length : i];
          if ((i + round) % 3 === 0) sent.push((await api.sendOk(alice, chat, `${word} ${round} ${i}`)).id);
          else await api.sendOk(alice, chat, 'small talk');
        }
      }
      const { rows } = await t.db.query<{ id: string }>(
        `SELECT id FROM messages WHERE id = ANY($1::uuid[]) ORDER BY created_at DESC, conversation_id DESC, seq DESC`,
        [sent],
      );
      const newestFirst = rows.map((r) => r.id);

      const pages = await allPages(alice, word, 6);
      expect(pages.flat()).toEqual(newestFirst);
      expect(pages.map((p) => p.length)).toEqual([...Array(Math.floor(sent.length / 6)).fill(6), sent.length % 6].filter(Boolean));
      expect(await found(alice, word)).toEqual(newestFirst);
    });

    it('says there is no next page when the last one is exactly full', async () => {
      const word = uniqueWord();
      const { alice, id } = await direct();
      const a = await api.sendOk(alice, id, word);
      const b = await api.sendOk(alice, id, word);
      const page = await searchOk(alice, { q: word, limit: 2 });
      expect(page.results.map((r) => r.message.id)).toEqual([b.id, a.id]);
      expect(page.next_before).toBeNull();
      expect(await searchOk(alice, { q: word, limit: 1, before: b.id })).toEqual({
        results: [expect.objectContaining({ conversation_id: id })],
        next_before: null,
      });
    });
  });

  describe('bad requests', () => {
    let alice: TestUser;
    beforeAll(async () => {
      [alice] = await users(1);
    });

    it.each<[string, Record<string, string | number>]>([
      ['no q', {}],
      ['a q of one character', { q: 'a' }],
      ['a q of one character between spaces', { q: '  é  ' }],
      ['a q of punctuation only', { q: '?!' }],
      ['a q of more than 256 characters', { q: 'a'.repeat(257) }],
      ['a q of more than 10 words', { q: 'one two three four five six seven eight nine ten eleven' }],
      ['a limit of 0', { q: 'hello', limit: 0 }],
      ['a limit of 101', { q: 'hello', limit: 101 }],
      ['a limit that is not a number', { q: 'hello', limit: 'ten' }],
      ['a malformed conversation_id', { q: 'hello', conversation_id: 'nope' }],
      ['a malformed before', { q: 'hello', before: 'nope' }],
      ['a before that is no message of the caller', { q: 'hello', before: randomUUID() }],
      ['an unknown parameter', { q: 'hello', sort: 'asc' }],
    ])('answers 400 to %s', async (_, query) => {
      const res = await search(alice, query);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    });

    it(`limits searches to ${SEARCHES_PER_MINUTE} a minute per user, with Retry-After, and not another user's`, async () => {
      const [busy, other] = await users(2);
      for (let i = 0; i < SEARCHES_PER_MINUTE; i++) expect((await search(busy, { q: 'hello' })).status).toBe(200);
      const refused = await search(busy, { q: 'hello' });
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ statusCode: 429 });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect((await search(other, { q: 'hello' })).status).toBe(200);
    });

    it('answers 401 without a token', async () => {
      expect((await t.http().get('/search').query({ q: 'hello' })).status).toBe(401);
    });
  });

  it('stores no word of a message in plaintext anywhere in the database', async () => {
    const word = uniqueWord();
    const { alice, id } = await direct();
    const message = await api.sendOk(alice, id, `The launch code is ${word}, tell nobody`);
    bodyOf(await api.react(alice, id, message.id, '👍'), 200);
    const reply = await api.sendOk(alice, id, `Again: ${word}`, { reply_to_id: message.id });
    expect(await found(alice, word)).toEqual([reply.id, message.id]);

    const { rows: columns } = await t.db.query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
        WHERE c.table_schema = 'public'
          AND c.data_type IN ('text', 'character varying', 'character', 'bytea', 'json', 'jsonb', 'ARRAY', 'USER-DEFINED')`,
    );
    expect(columns.map((c) => `${c.table_name}.${c.column_name}`)).toEqual(
      expect.arrayContaining(['messages.content_ciphertext', 'messages.search_tokens']),
    );
    const holding: string[] = [];
    for (const { table_name: table, column_name: column, data_type: type } of columns) {
      const value = type === 'bytea' ? `encode("${column}", 'escape')` : `"${column}"::text`;
      const { rows } = await t.db.query(`SELECT 1 FROM "${table}" WHERE strpos(lower(${value}), $1) > 0 LIMIT 1`, [word]);
      if (rows.length) holding.push(`${table}.${column}`);
    }
    expect(holding).toEqual([]);
  });
});
