import type { BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { SECURITY_HEADERS } from '../../frontend/security-headers';
import { bubble, chatRow, register, send, startWebClient, storySteps, type Person, type WebClient } from '../support/browser';

/**
 * The web client as `npm start` serves it (vite preview of the build), in Chromium: its
 * security headers, the whole app working under its Content-Security-Policy with not one
 * violation reported, avatars loaded without a referrer, and messages left unsent by a page
 * that was reloaded delivered after it, exactly once.
 */

const AVATAR = 'https://avatars.example.com/alice.png';
/** A 1×1 PNG: what the avatar host answers (the browser's request never leaves it: the test fulfils it). */
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const ACK_LOST = 'My ack never came back';
const SOCKET_CUT = 'Written while the socket was cut';

/** Every CSP violation a page of the context reports (its `securitypolicyviolation` events), across reloads. */
async function watchCsp(context: BrowserContext, name: string, violations: string[]): Promise<void> {
  await context.exposeBinding('reportCspViolation', (_source, text: string) => void violations.push(`${name}: ${text}`));
  await context.addInitScript(() => {
    // The page's globals (this file is type-checked without the DOM's types).
    const page = globalThis as unknown as {
      document: EventTarget;
      reportCspViolation: (text: string) => void;
    };
    page.document.addEventListener('securitypolicyviolation', (event) => {
      const { violatedDirective, blockedURI } = event as unknown as { violatedDirective: string; blockedURI: string };
      page.reportCspViolation(`${violatedDirective} blocked ${blockedURI}`);
    });
  });
}

/** …and what Chromium says of one on the console. */
function watchConsole(page: Page, name: string, violations: string[]): void {
  page.on('console', (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(`${name} (console): ${message.text()}`);
  });
}

/**
 * Routes a context's realtime sockets through the test: `pass` forwards everything, `dropAcks`
 * keeps the server's acks from the page (the server stored the message; the page never hears
 * so), `cut` closes every socket and refuses new ones (the server hears nothing).
 */
async function socketSwitch(context: BrowserContext) {
  let mode: 'pass' | 'dropAcks' | 'cut' = 'pass';
  const open = new Set<{ page: WebSocketRoute; server: WebSocketRoute }>();
  await context.routeWebSocket(/\/ws$/, (page) => {
    if (mode === 'cut') {
      void page.close({ code: 1001 });
      return;
    }
    const server = page.connectToServer();
    const pair = { page, server };
    open.add(pair);
    page.onMessage((frame) => server.send(frame));
    server.onMessage((frame) => {
      if (mode === 'dropAcks' && typeof frame === 'string' && (JSON.parse(frame) as { type: string }).type === 'ack') return;
      page.send(frame);
    });
    page.onClose((code, reason) => {
      open.delete(pair);
      void server.close({ code, reason });
    });
    server.onClose((code, reason) => {
      open.delete(pair);
      void page.close({ code, reason });
    });
  });
  return {
    async set(next: typeof mode): Promise<void> {
      mode = next;
      if (next !== 'cut') return;
      const pairs = [...open];
      open.clear();
      await Promise.all(pairs.flatMap(({ page, server }) => [page.close({ code: 1001 }), server.close({ code: 1001 })]));
    },
  };
}

describe('the web client’s security, in Chromium', () => {
  let web: WebClient | undefined;
  let alice: Person;
  let bob: Person;
  let aliceToken: string;
  let sockets: Awaited<ReturnType<typeof socketSwitch>>;
  const violations: string[] = [];
  /** The Referer of each avatar request (null: none was sent). */
  const avatarReferers: Array<string | null> = [];
  const step = storySteps(() => [alice?.page, bob?.page]);

  beforeAll(async () => {
    web = await startWebClient();
    alice = await web.person('alice', 'Alice Martin');
    bob = await web.person('bob', 'Bob Chen');
    for (const person of [alice, bob]) {
      await watchCsp(person.context, person.username, violations);
      watchConsole(person.page, person.username, violations);
      await person.context.route(AVATAR, async (route) => {
        avatarReferers.push((await route.request().headerValue('referer')) ?? null);
        await route.fulfill({ status: 200, contentType: 'image/png', body: PIXEL });
      });
    }
    sockets = await socketSwitch(alice.context);
  }, 30_000);

  afterAll(() => web?.stop(), 15_000);

  const api = (path: string, token: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${web!.apiUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  const tokenOf = async (person: Person) => (await person.page.evaluate(() => sessionStorage.getItem('chatflow.token')))!;
  /** Waits until this page's IndexedDB outbox holds `count` messages (the page writes it without telling anyone). */
  const outboxHolds = (page: Page, count: number) =>
    page.waitForFunction(
      (expected) =>
        new Promise<boolean>((resolve, reject) => {
          // The page's IndexedDB, as much of it as this needs (this file has no DOM types).
          interface Request<T> {
            result: T;
            error: unknown;
            onsuccess: (() => void) | null;
            onerror: (() => void) | null;
          }
          interface Database {
            transaction: (store: string) => { objectStore: (store: string) => { count: () => Request<number> } };
            close: () => void;
          }
          const { indexedDB } = globalThis as unknown as { indexedDB: { open: (name: string) => Request<Database> } };
          const opening = indexedDB.open('chatflow');
          opening.onerror = () => reject(new Error(String(opening.error)));
          opening.onsuccess = () => {
            const db = opening.result;
            const counting = db.transaction('outbox').objectStore('outbox').count();
            counting.onsuccess = () => {
              db.close();
              resolve(counting.result === expected);
            };
          };
        }),
      count,
    );

  step('serves the page and its assets with the security headers', async () => {
    const response = await alice.page.goto(web!.appUrl);
    const headers = response!.headers();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(headers[name.toLowerCase()]).toBe(value);
    const csp = headers['content-security-policy'];
    // Attachments load from the API through the page's origin (signed relative URLs); picked pictures preview as blob: URLs.
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "connect-src 'self'",
      "img-src 'self' data: blob: https:",
      "media-src 'self'",
    ]) {
      expect(csp.split('; ')).toContain(directive);
    }
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);

    const script = await alice.page.locator('script[type="module"][src]').getAttribute('src');
    const asset = await fetch(new URL(script!, web!.appUrl));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
    expect(asset.headers.get('content-security-policy')).toBe(SECURITY_HEADERS['Content-Security-Policy']);
  });

  step('works under its policy: two people register, start a chat and talk live; avatars load with no referrer', async () => {
    await register(alice, web!.appUrl);
    await register(bob, web!.appUrl);
    aliceToken = await tokenOf(alice);
    expect((await api('/users/me', aliceToken, { method: 'PATCH', body: { avatar_url: AVATAR } })).status).toBe(200);
    const bobId = ((await (await api('/users/me', await tokenOf(bob))).json()) as { id: string }).id;
    expect((await api('/conversations/', aliceToken, { method: 'POST', body: { participant_ids: [bobId], is_group_chat: false } })).status).toBe(201);

    await chatRow(alice.page, 'Bob Chen').click();
    await send(alice.page, 'Hello under a strict CSP');
    // A chat someone else began shows in Bob's list with its first message.
    await chatRow(bob.page, 'Alice Martin').click();
    await bubble(bob.page, 'Hello under a strict CSP').waitFor();
    await send(bob.page, 'Works here too');
    await bubble(alice.page, 'Works here too').waitFor();

    // Bob sees Alice's picture: loaded (img-src https:), and her host learnt nothing of the page.
    const picture = chatRow(bob.page, 'Alice Martin').locator('img');
    await picture.waitFor();
    await bob.page.waitForFunction(
      (img) => {
        const { complete, naturalWidth } = img as unknown as { complete: boolean; naturalWidth: number };
        return complete && naturalWidth === 1;
      },
      await picture.elementHandle(),
    );
    expect(await picture.getAttribute('referrerpolicy')).toBe('no-referrer');
    expect(avatarReferers.length).toBeGreaterThan(0);
    expect(avatarReferers.every((referer) => referer === null)).toBe(true);
  });

  step('delivers exactly once, after a reload, a message whose ack was lost and one written while the socket was cut', async () => {
    const { page } = alice;
    await sockets.set('dropAcks');
    await send(page, ACK_LOST);
    // The server has it (Bob sees it live); Alice's page still waits for its ack.
    await bubble(bob.page, ACK_LOST).waitFor();
    await bubble(page, ACK_LOST).getByRole('img', { name: 'Sending' }).waitFor();

    await sockets.set('cut');
    await send(page, SOCKET_CUT);
    await bubble(page, SOCKET_CUT).getByRole('img', { name: 'Sending' }).waitFor();
    await outboxHolds(page, 2);

    await page.reload();
    await chatRow(page, 'Bob Chen').click();
    // Still cut: the message the server never had shows again, waiting; the other one as stored.
    await bubble(page, SOCKET_CUT).getByRole('img', { name: 'Sending' }).waitFor();
    await bubble(page, ACK_LOST).getByRole('img', { name: /^(Sent|Delivered|Read)$/ }).waitFor();

    await sockets.set('pass');
    await page.evaluate(() => (globalThis as unknown as EventTarget).dispatchEvent(new Event('online')));
    await bubble(page, SOCKET_CUT).getByRole('img', { name: /^(Sent|Delivered|Read)$/ }).waitFor();
    await bubble(bob.page, SOCKET_CUT).waitFor();
    await outboxHolds(page, 0);

    for (const text of [ACK_LOST, SOCKET_CUT]) {
      expect(await bubble(page, text).count()).toBe(1);
      expect(await bubble(bob.page, text).count()).toBe(1);
    }
    const conversations = (await (await api('/conversations/', aliceToken)).json()) as Array<{ id: string }>;
    const history = (await (await api(`/conversations/${conversations[0].id}/messages?limit=50`, aliceToken)).json()) as Array<{ content: string }>;
    expect(history.filter((m) => m.content === ACK_LOST)).toHaveLength(1);
    expect(history.filter((m) => m.content === SOCKET_CUT)).toHaveLength(1);
  });

  it('reported no Content-Security-Policy violation and raised no error in any page', () => {
    expect(violations).toEqual([]);
    expect(web?.pageErrors).toEqual([]);
  });
});
