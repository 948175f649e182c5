import { bubble, chatRow, register, shoot, startWebClient, storySteps, UI_TIMEOUT_MS, type Person, type WebClient } from '../support/browser';

/**
 * The web client as people use it every day, in Chromium (support/browser.ts): bob opens a
 * chat with unread messages at the first of them, and only what his screen shows is read
 * (alice's ticks say so); a message that comes while he is scrolled up waits on the
 * jump-to-bottom button; his draft survives a reload, which keeps the chat open, and Back
 * closes it; a Hebrew message reads from the right; a second tab of his browser is logged in
 * by the first (no token in localStorage), and logging out there logs out both.
 */

interface Api {
  token: string;
  id: string;
}

describe('everyday use of the web client', () => {
  let web: WebClient | undefined;
  let alice: Person;
  let bob: Person;
  let aliceApi: Api;
  let bobApi: Api;
  let chatId: string;
  const step = storySteps(() => [alice?.page, bob?.page]);

  beforeAll(async () => {
    web = await startWebClient();
    alice = await web.person('alice', 'Alice Liddell');
    bob = await web.person('bob', 'Bob Marley');
  }, 30_000);

  afterAll(() => web?.stop(), 15_000);

  async function call<T>(as: Api, method: string, path: string, body?: object): Promise<T> {
    const res = await fetch(`${web!.apiUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${as.token}`, 'Content-Type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  async function apiOf(person: Person): Promise<Api> {
    const token = (await person.page.evaluate(() => sessionStorage.getItem('chatflow.token'))) as string;
    const me = await call<{ id: string }>({ token, id: '' }, 'GET', '/users/me');
    return { token, id: me.id };
  }

  const say = (content: string) => call(aliceApi, 'POST', `/conversations/${chatId}/messages`, { content });

  /** Alice's view of her messages' status, as the server computes it from bob's read mark. */
  async function statusOf(content: string): Promise<string | undefined> {
    const page = await call<{ content: string; status: string }[]>(aliceApi, 'GET', `/conversations/${chatId}/messages?limit=200`);
    return page.find((m) => m.content === content)?.status;
  }

  /** Waits until the server says `content` is `status` (the read frame is on its way from bob's browser). */
  async function waitForStatus(content: string, status: string): Promise<void> {
    const deadline = Date.now() + UI_TIMEOUT_MS;
    while ((await statusOf(content)) !== status) {
      if (Date.now() > deadline) throw new Error(`"${content}" is ${await statusOf(content)}, not ${status}`);
      await bob.page.waitForTimeout(100);
    }
  }

  step('opens a chat with 30 unread messages at the first of them, under "30 unread messages"', async () => {
    await register(alice, web!.appUrl);
    await register(bob, web!.appUrl);
    [aliceApi, bobApi] = await Promise.all([apiOf(alice), apiOf(bob)]);
    chatId = (await call<{ id: string }>(aliceApi, 'POST', '/conversations/', { participant_ids: [bobApi.id] })).id;
    for (let i = 1; i <= 30; i += 1) await say(`read before #${i}.`);
    await call(bobApi, 'POST', `/conversations/${chatId}/read`);
    for (let i = 1; i <= 30; i += 1) await say(`unread #${i}.`);

    await chatRow(bob.page, 'Alice Liddell').getByTestId('unread-badge').getByText('30').waitFor();
    await chatRow(bob.page, 'Alice Liddell').click();
    const divider = bob.page.getByTestId('unread-divider');
    await divider.getByText('30 unread messages').waitFor();
    await bubble(bob.page, 'unread #1.').waitFor();
    expect(await divider.isVisible()).toBe(true);
    // The divider is at the top of the history, the first unread message under it.
    const box = (await bob.page.getByRole('region', { name: 'Message history' }).boundingBox())!;
    const line = (await divider.boundingBox())!;
    expect(line.y - box.y).toBeLessThan(60);
    await shoot(bob.page, 'opened-at-first-unread');
  });

  step('reads only what was on screen: the newest message stays unread for alice until bob scrolls to it', async () => {
    await waitForStatus('unread #1.', 'read');
    expect(await statusOf('unread #30.')).not.toBe('read');
    const jump = bob.page.getByRole('button', { name: /^Scroll to the newest message/ });
    await jump.click();
    await waitForStatus('unread #30.', 'read');
    await chatRow(bob.page, 'Alice Liddell').getByTestId('unread-badge').waitFor({ state: 'detached' });
  });

  step('leaves a message that arrives while bob is scrolled up unread (alice sees no blue ticks), counted on the jump button', async () => {
    const history = bob.page.getByRole('region', { name: 'Message history' });
    await history.evaluate((element) => {
      element.scrollTop = 0;
    });
    const jump = bob.page.getByRole('button', { name: /^Scroll to the newest message/ });
    await jump.waitFor();
    await say('are you there?');
    await jump.getByTestId('new-messages-count').getByText('1').waitFor();
    expect(await statusOf('are you there?')).not.toBe('read');

    await jump.click();
    await waitForStatus('are you there?', 'read');
  });

  step('keeps a draft across a reload, which keeps the chat open; Back closes it, and the list says "Draft:"', async () => {
    const { page } = bob;
    const composer = page.getByRole('textbox', { name: 'Type a message' });
    await composer.fill('half a thought');
    expect(new URL(page.url()).pathname).toBe(`/c/${chatId}`);

    await page.reload();
    await page.getByRole('region', { name: 'Chat with Alice Liddell' }).waitFor();
    expect(await composer.inputValue()).toBe('half a thought');

    await page.goBack();
    await page.getByRole('region', { name: 'Chat with Alice Liddell' }).waitFor({ state: 'detached' });
    await chatRow(page, 'Alice Liddell').getByTestId('preview').getByText('Draft:').waitFor();
    await page.goForward();
    await page.getByRole('region', { name: 'Chat with Alice Liddell' }).waitFor();
  });

  step('lays out a Hebrew message from the right, inside its bubble', async () => {
    const hebrew = 'שלום, מה שלומך היום?';
    await say(hebrew);
    const text = bubble(bob.page, hebrew).getByTestId('message-text');
    await text.waitFor();
    // Run in the page (this file is compiled without the DOM's types).
    const [direction, words, frame] = await bob.page.evaluate<[string, number, number]>(`(() => {
      const all = [...document.querySelectorAll('[data-testid="message-text"]')];
      const mine = all.find((e) => e.textContent.includes(${JSON.stringify(hebrew)}));
      const range = document.createRange();
      range.selectNodeContents(mine.firstElementChild);
      return [getComputedStyle(mine).direction, range.getBoundingClientRect().right, mine.closest('[data-testid="message"]').getBoundingClientRect().right];
    })()`);
    expect(direction).toBe('rtl');
    expect(frame - words).toBeLessThan(20);
    await shoot(bob.page, 'rtl-message');
  });

  step('logs a second tab of the same browser in from the first, and logs both out together', async () => {
    const second = await bob.context.newPage();
    await second.goto(web!.appUrl);
    await chatRow(second, 'Alice Liddell').waitFor();
    expect(await second.evaluate(() => Object.keys(localStorage).filter((key) => key.includes('token')))).toEqual([]);
    // The second tab's session is the first's: the server knows one login of bob's.
    expect(await second.evaluate(() => sessionStorage.getItem('chatflow.token'))).toBe(bobApi.token);
    await shoot(second, 'second-tab-logged-in');

    await second.getByRole('button', { name: 'Log out' }).click();
    await second.getByRole('heading', { name: 'Login' }).waitFor();
    await bob.page.getByRole('heading', { name: 'Login' }).waitFor();
    // Logged out, not "logged out from another device".
    expect(await bob.page.getByText('logged out from another device').count()).toBe(0);
    await second.close();
  });
});
