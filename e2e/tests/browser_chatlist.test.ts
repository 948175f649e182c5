import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { audit, chatList, chatRow, logIn, register, shoot, startWebClient, storySteps, type Person, type WebClient } from '../support/browser';

/**
 * The chat list as people use it every day, in Chromium (support/browser.ts): Alice on a
 * laptop (desktop notifications allowed) and on a phone, Bob and Carol through the API.
 * Unread chats count in the tab's title and favicon; a message notifies when Alice is not
 * looking at its chat, and the notification opens it; pin, mute and archive follow Alice
 * to her other device; Bob's new name shows at once; the search offers people to start a
 * chat with; a chat Bob started shows only once he writes.
 */

/** Records each desktop notification the page shows (the browser's own would go to the system). */
const CAPTURE_NOTIFICATIONS = `
  window.__notifications = [];
  const Real = window.Notification;
  window.Notification = class {
    static get permission() { return Real.permission; }
    static requestPermission() { return Real.requestPermission(); }
    constructor(title, options = {}) {
      this.onclick = null;
      window.__notifications.push({ title, body: options.body, tag: options.tag });
      window.__lastNotification = this;
    }
    close() {}
  };
`;

interface ApiUser {
  id: string;
  username: string;
  auth: string;
}


/**
 * Waits in the page with a function (a string would be evaluated, which the app's CSP refuses):
 * until the tab's title is `title`…
 */
function titled(page: Page, title: string) {
  return page.waitForFunction((expected) => (globalThis as unknown as { document: { title: string } }).document.title === expected, title);
}

/** …or until more than `count` desktop notifications were shown (captured by the init script). */
function notifiedMoreThan(page: Page, count: number) {
  return page.waitForFunction((seen) => (globalThis as unknown as { __notifications: unknown[] }).__notifications.length > seen, count);
}

describe('the chat list in the web client', () => {
  let web: WebClient | undefined;
  let laptop: Person;
  let phone: Person;
  let bob: ApiUser;
  let carol: ApiUser;
  let direct: string;
  let group: string;
  const step = storySteps(() => [laptop?.page, phone?.page]);

  beforeAll(async () => {
    web = await startWebClient();
    laptop = await web.person('alice', 'Alice Liddell');
    await laptop.context.grantPermissions(['notifications'], { origin: web.appUrl });
    await laptop.context.addInitScript(CAPTURE_NOTIFICATIONS);
    phone = await web.otherDevice(laptop);
    [bob, carol] = [await apiUser('bob', 'Bob Builder'), await apiUser('carol', 'Carol Danvers')];
  }, 30_000);

  afterAll(() => web?.stop(), 15_000);

  async function call(method: string, path: string, auth: string | null, body?: unknown): Promise<any> {
    const res = await fetch(`${web!.apiUrl}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: auth } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? undefined : res.json();
  }

  async function apiUser(name: string, fullName: string): Promise<ApiUser> {
    const username = `${name}_${randomBytes(4).toString('hex')}`;
    const password = `pw-${randomBytes(8).toString('hex')}`;
    const user = await call('POST', '/auth/register', null, { username, email: `${username}@example.test`, password, full_name: fullName });
    const { access_token } = await call('POST', '/auth/login', null, { username, password });
    return { id: user.id, username, auth: `Bearer ${access_token}` };
  }

  async function aliceId(): Promise<string> {
    const token = await laptop.page.evaluate(() => sessionStorage.getItem('chatflow.token'));
    return (await call('GET', '/users/me', `Bearer ${token}`)).id;
  }
  const notifications = (page: Page) => page.evaluate<Array<{ title: string; body: string }>>('window.__notifications');
  const favicon = (page: Page) => page.locator('link[rel="icon"]').getAttribute('href');
  /** A chat's row by its id (titles repeat: a sender's name shows in a group's preview too). */
  const row = (page: Page, id: string) => page.getByRole('listbox', { name: 'Chat list' }).locator(`[data-conversation-id="${id}"]`);
  const header = (page: Page) => page.getByRole('main').locator('header h2');

  /** Makes the tab look hidden and unfocused to the page, as when the user switched to another tab. */
  async function hideTab(page: Page): Promise<void> {
    await page.evaluate(`
      Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => 'hidden' });
      Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => true });
      Document.prototype.hasFocus = () => false;
      document.dispatchEvent(new Event('visibilitychange'));
    `);
  }

  async function chooseFromMenu(page: Page, conversationId: string, ...items: string[]): Promise<void> {
    await row(page, conversationId).click({ button: 'right' });
    for (const item of items) await page.getByRole('menu').getByRole('menuitem', { name: item, exact: true }).click();
    await page.getByRole('menu').waitFor({ state: 'detached' });
  }

  step('keeps a one-on-one Bob started out of the list until he writes; then counts it in the title and notifies', async () => {
    const { page } = laptop;
    await register(laptop, web!.appUrl);
    expect(await page.title()).toBe('ChatFlow');
    direct = (await call('POST', '/conversations/', bob.auth, { participant_ids: [await aliceId()] })).id;
    // A group made later still shows at once: only an empty one-on-one someone else started waits.
    group = (await call('POST', '/conversations/', bob.auth, { participant_ids: [await aliceId(), carol.id], name: 'Weekend' })).id;
    await chatRow(page, 'Weekend').waitFor();
    expect(await chatRow(page, 'Bob Builder').count()).toBe(0);

    await call('POST', `/conversations/${direct}/messages`, bob.auth, { content: 'Hello Alice' });
    await chatRow(page, 'Bob Builder').waitFor();
    await titled(page, '(1) ChatFlow');
    expect(decodeURIComponent((await favicon(page))!)).toContain('>1</text>');
    await notifiedMoreThan(page, 0);
    expect(await notifications(page)).toEqual([{ title: 'Bob Builder', body: 'Hello Alice', tag: direct }]);
  });

  step('notifies while the tab is hidden, and clicking the notification opens its chat', async () => {
    const { page } = laptop;
    await row(page, direct).click();
    await header(page).getByText('Bob Builder').waitFor();
    await titled(page, 'ChatFlow');

    await hideTab(page);
    await call('POST', `/conversations/${group}/messages`, bob.auth, { content: 'Count me in' });
    await notifiedMoreThan(page, 1);
    expect((await notifications(page))[1]).toEqual({ title: 'Weekend', body: 'Bob Builder: Count me in', tag: group });
    await titled(page, '(1) ChatFlow');
    // The group's preview names the sender in full: no ellipsis on a name that fits.
    const preview = row(page, group).getByTestId('preview');
    expect((await preview.textContent())?.replace(/\s+/g, ' ')).toBe('Bob Builder: Count me in');
    expect(await preview.locator('span').first().evaluate((sender) => sender.scrollWidth <= sender.clientWidth)).toBe(true);

    await page.evaluate('window.__lastNotification.onclick()');
    await header(page).getByText('Weekend').waitFor();
  });

  step('pins and mutes on the laptop, and the phone shows both; a muted chat does not notify', async () => {
    await phone.page.goto(web!.appUrl);
    await logIn(phone);
    await row(phone.page, direct).waitFor();

    const { page } = laptop;
    await chooseFromMenu(page, direct, 'Pin chat');
    await row(page, direct).getByRole('img', { name: 'Pinned' }).waitFor();
    await row(phone.page, direct).getByRole('img', { name: 'Pinned' }).waitFor();
    // Pinned on top, though the group had the latest message.
    expect(await phone.page.getByRole('listbox', { name: 'Chat list' }).getByRole('option').first().getAttribute('data-conversation-id')).toBe(direct);

    await chooseFromMenu(page, group, 'Mute notifications', 'Always');
    await row(phone.page, group).getByRole('img', { name: 'Muted' }).waitFor();
    await row(page, direct).click();
    const before = (await notifications(page)).length;
    await call('POST', `/conversations/${group}/messages`, carol.auth, { content: 'Muted news' });
    await row(page, group).getByText('Muted news').waitFor();
    await call('POST', `/conversations/${direct}/messages`, bob.auth, { content: 'Not muted' });
    await notifiedMoreThan(page, before);
    expect((await notifications(page)).slice(before).map((n) => n.body)).toEqual(['Not muted']);
    await shoot(phone.page, 'chat-list-pinned-muted');
  });

  step('archives on the phone: the laptop moves the chat under Archived, and a new message keeps it there', async () => {
    await chooseFromMenu(phone.page, group, 'Archive chat');
    // Choosing from a chat's menu does not open the chat (which would read it on the phone).
    expect(await phone.page.getByRole('main').locator('header h2').count()).toBe(0);
    const { page } = laptop;
    const archivedEntry = chatList(page).getByRole('button', { name: /^Archived/ });
    await archivedEntry.waitFor();
    await row(page, group).waitFor({ state: 'detached' });
    await call('POST', `/conversations/${group}/messages`, carol.auth, { content: 'Still archived' });
    await archivedEntry.getByText('1').waitFor();
    expect(await row(page, group).count()).toBe(0);
    await archivedEntry.click();
    await row(page, group).getByText('Still archived').waitFor();
    expect(await audit(page, 'archived chats')).toEqual([]);
    await chatList(page).getByRole('button', { name: 'Back to chats' }).click();
    await row(page, direct).waitFor();
  });

  step('shows Bob’s new name at once, in the list and in the open chat’s header', async () => {
    await call('PATCH', '/users/me', bob.auth, { full_name: 'Robert Builder' });
    await row(laptop.page, direct).getByText('Robert Builder').waitFor();
    await header(laptop.page).getByText('Robert Builder').waitFor();
    await row(phone.page, direct).getByText('Robert Builder').waitFor();
  });

  step('lists people under the search, not those with a chat already, and clicking one starts the chat', async () => {
    const { page } = laptop;
    const search = page.getByRole('searchbox', { name: 'Search chats' });
    await search.fill('Builder');
    await row(page, direct).getByText('Robert Builder').waitFor();
    await search.fill(carol.username);
    const people = page.getByRole('region', { name: 'People' });
    await people.getByRole('button', { name: /Carol Danvers/ }).click();
    await header(page).getByText('Carol Danvers').waitFor();
    await search.fill('');
    // Carol's chat has no message yet, but Alice started it: it is in her list.
    await chatRow(page, 'Carol Danvers').waitFor();
    expect(await audit(page, 'chat list')).toEqual([]);
  });

  it('raised no error in any page', () => {
    expect(web?.pageErrors).toEqual([]);
  });
});
