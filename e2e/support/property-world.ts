import { randomBytes } from 'node:crypto';
import type { TestApp } from './app';
import type { KnownIds } from './arbitraries';
import { registerUser, startConversation, TestUser, uniqueName } from './users';

/**
 * The people and conversations the property tests act on. Generated requests name ids and
 * passwords through placeholders (valid UUIDs and a fixed string) that are swapped for the
 * current values when the request is sent, so an operation that consumes what it acts on
 * (a group left, an account deleted) gets a new one for its next run.
 */
const PLACEHOLDERS = {
  freshGroup: '00000000-0000-4000-8000-00000000f001',
  freshOwnMessage: '00000000-0000-4000-8000-00000000f002',
  freshOthersMessage: '00000000-0000-4000-8000-00000000f003',
  throwawayUser: '00000000-0000-4000-8000-00000000f004',
  throwawaySession: '00000000-0000-4000-8000-00000000f005',
  throwawayPassword: 'placeholder-throwaway-password',
  throwawayUsername: 'placeholder_throwaway',
};

/** Who makes the requests of an operation. */
export type Caller = 'member' | 'throwaway' | 'anonymous';

interface Throwaway {
  user: TestUser;
  sessionId: string;
}

export class PropertyWorld {
  /** Makes most requests: owner of the groups, in a one-on-one with bob. */
  alice!: TestUser;
  bob!: TestUser;
  carol!: TestUser;
  /** In a conversation of his own with bob, which alice is not part of. */
  stranger!: TestUser;
  oneToOne!: string;
  group!: string;
  strangersChat!: string;
  private known!: KnownIds;
  private fresh = { group: '', ownMessage: '', othersMessage: '' };
  private throwaway?: Throwaway;

  private constructor(private readonly t: TestApp) {}

  static async create(t: TestApp): Promise<PropertyWorld> {
    const world = new PropertyWorld(t);
    await world.populate();
    return world;
  }

  private async populate(): Promise<void> {
    const t = this.t;
    [this.alice, this.bob, this.carol, this.stranger] = await Promise.all(['pa', 'pb', 'pc', 'px'].map((p) => registerUser(t, p)));
    this.oneToOne = await startConversation(t, this.alice, [this.bob]);
    this.group = await startConversation(t, this.alice, [this.bob, this.carol], 'Property group');
    this.strangersChat = await startConversation(t, this.stranger, [this.bob]);
    const messages = await Promise.all([
      this.send(this.alice, this.oneToOne, 'hello bob'),
      this.send(this.bob, this.oneToOne, 'hello alice'),
      this.send(this.bob, this.group, 'hello group'),
      this.send(this.stranger, this.strangersChat, 'not for alice'),
    ]);
    const sessions = await Promise.all([this.alice, this.stranger].map((u) => this.sessionIdOf(u)));
    this.known = {
      users: [this.alice.id, this.bob.id, this.carol.id, this.stranger.id, PLACEHOLDERS.throwawayUser],
      conversations: [this.oneToOne, this.group, this.strangersChat, PLACEHOLDERS.freshGroup],
      messages: [...messages, PLACEHOLDERS.freshOwnMessage, PLACEHOLDERS.freshOthersMessage],
      sessions: [...sessions, PLACEHOLDERS.throwawaySession],
      usernames: [this.alice.username, this.bob.username, this.alice.email, PLACEHOLDERS.throwawayUsername],
      passwords: [this.alice.password, PLACEHOLDERS.throwawayPassword],
    };
  }

  /** The ids, usernames and passwords generated requests may name. */
  get ids(): KnownIds {
    return this.known;
  }

  async send(from: TestUser, conversationId: string, content: string): Promise<string> {
    const res = await this.t.http().post(`/conversations/${conversationId}/messages`).set('Authorization', from.auth).send({ content });
    if (res.status !== 201) throw new Error(`send failed: ${res.status} ${JSON.stringify(res.body)}`);
    return (res.body as { id: string }).id;
  }

  private async sessionIdOf(user: TestUser): Promise<string> {
    const res = await this.t.http().get('/auth/sessions').set('Authorization', user.auth);
    const current = (res.body as Array<{ id: string; current: boolean }>).find((s) => s.current);
    if (!current) throw new Error(`no current session: ${res.status} ${JSON.stringify(res.body)}`);
    return current.id;
  }

  /** A group of alice's (with bob and carol) and a message of each of alice and bob in it, new for one run. */
  async refreshGroup(): Promise<void> {
    const group = await startConversation(this.t, this.alice, [this.bob, this.carol], 'Fresh group');
    const [ownMessage, othersMessage] = await Promise.all([this.send(this.alice, group, 'mine'), this.send(this.bob, group, 'theirs')]);
    this.fresh = { group, ownMessage, othersMessage };
  }

  /** A logged-in account of its own for operations that end sessions or accounts; `renew` makes a new one. */
  async throwawayUser(renew = false): Promise<TestUser> {
    if (this.throwaway && !renew) {
      const me = await this.t.http().get('/users/me').set('Authorization', this.throwaway.user.auth);
      if (me.status === 200) return this.throwaway.user;
    }
    const user = await registerUser(this.t, 'pt');
    this.throwaway = { user, sessionId: await this.sessionIdOf(user) };
    return user;
  }

  /** The request as sent: placeholders replaced with the ids (and password) of now. */
  resolve(text: string): string {
    const values: Record<string, string> = {
      [PLACEHOLDERS.freshGroup]: this.fresh.group || this.group,
      [PLACEHOLDERS.freshOwnMessage]: this.fresh.ownMessage || this.known.messages[0],
      [PLACEHOLDERS.freshOthersMessage]: this.fresh.othersMessage || this.known.messages[1],
      [PLACEHOLDERS.throwawayUser]: this.throwaway?.user.id ?? this.carol.id,
      [PLACEHOLDERS.throwawaySession]: this.throwaway?.sessionId ?? this.known.sessions[0],
      [PLACEHOLDERS.throwawayPassword]: this.throwaway?.user.password ?? `pw-${randomBytes(6).toString('hex')}`,
      [PLACEHOLDERS.throwawayUsername]: this.throwaway?.user.username ?? uniqueName('none'),
    };
    return Object.entries(values).reduce((out, [placeholder, value]) => out.replace(new RegExp(placeholder, 'gi'), value), text);
  }

  /** Undoes what leaves alice unable to reach the others for the next operation: her blocks. */
  async unblockAll(): Promise<void> {
    for (const user of [this.bob, this.carol, this.stranger]) {
      await this.t.http().delete(`/users/${user.id}/block`).set('Authorization', this.alice.auth);
    }
  }
}
