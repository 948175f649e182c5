import axe from 'axe-core';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Locator, type Page, type WebSocketRoute } from 'playwright-core';
import { freePort } from '../support/net';
import { BACKEND_MAIN, spawnServer, waitForOutput, type ServerProcess } from '../support/server-process';
import { uniqueName } from '../support/users';
import { ROOMY_LIMITS } from '../support/app';

/**
 * The web client in a real browser (Debian's Chromium driven by playwright-core) against
 * the built backend, served as a deployment would serve it: `vite preview` of
 * frontend/dist, forwarding the API's paths (WebSocket included) to the API process.
 * Two people, each in their own browser context, register, start a chat and talk; then they
 * reply, react, edit and delete, live and across an outage of one of them. Last, a third joins
 * them in a group, and the group's owner removes her: her chat turns read-only as it happens.
 */

const REPO = join(__dirname, '..', '..');
const FRONTEND = join(REPO, 'frontend');
const FRONTEND_INDEX = join(FRONTEND, 'dist', 'index.html');
const VITE = join(REPO, 'node_modules', 'vite', 'bin', 'vite.js');
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', 'artifacts');
const DOCS_SCREENSHOT = join(REPO, 'docs', 'screenshot.png');
const VIEWPORT = { width: 1280, height: 800 };
/** Any single wait for the UI; the whole file stays well under a minute. */
const UI_TIMEOUT_MS = 10_000;
/** For the API and `vite preview` to start. */
const STARTUP_TIMEOUT_MS = 12_000;

const ALICE_NAME = 'Alice Martin';
const BOB_NAME = 'Bob Chen';
const CAROL_NAME = 'Carol Diaz';
const GROUP = 'Weekend in Lisbon';
const GROUP_HELLO = 'Who is in for Lisbon next weekend?';
/** What a chat the user is no longer in shows instead of the composer. */
const READ_ONLY = "You can't send messages to this group because you're no longer a participant.";
const CONVERSATION = {
  dinner: 'Hi Bob! Are we still on for dinner tonight?',
  booked: "I booked a table at Luigi's for 7:30 🍝",
  yes: 'Yes, absolutely! 7:30 works for me.',
  sam: 'Perfect. Should I ask Sam to join us?',
  sure: 'Sure, the more the merrier 😄 See you there!',
};

/** What the two do with the conversation once it is written. */
const CHANGES = {
  reply: 'Tonight works, see you there',
  edited: 'Hi Bob! Are we still on for dinner tomorrow?',
  missed: 'Sam says yes!',
  samEdited: 'Perfect. Should I ask Sam and Alex to join us?',
};
const DELETED = 'This message was deleted';

interface Person {
  username: string;
  fullName: string;
  email: string;
  password: string;
  context: BrowserContext;
  page: Page;
}

/** Serves frontend/dist with `vite preview`; resolves once it prints its address. */
async function startPreview(apiUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [VITE, 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'], {
    cwd: FRONTEND,
    env: { ...process.env, CHATFLOW_API_URL: apiUrl, NO_COLOR: '1', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listening = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // "➜  Local:   http://127.0.0.1:<port>/" (colours stripped, should any come through the pipe).
      if (stripVTControlCharacters(output).includes(url)) {
        child.off('exit', onExit);
        resolve();
      }
    };
    const onExit = (code: number | null) => reject(new Error(`vite preview exited (${code}) before serving ${url}:\n${output}`));
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', onExit);
    child.once('error', reject);
  });
  try {
    await within(STARTUP_TIMEOUT_MS, listening, () => `vite preview did not serve ${url}:\n${output}`);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { child, url };
}

/** `promise`, or a rejection saying `what()` once `ms` have passed. */
async function within<T>(ms: number, promise: Promise<T>, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`after ${ms} ms: ${what()}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/** The axe-core audit of what the page shows now; prints every violation, returns the serious and critical ones. */
async function audit(page: Page, screen: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(axe.source);
  // Without a context, axe audits the whole document.
  const result = await page.evaluate(() => (globalThis as unknown as { axe: typeof axe }).axe.run({ resultTypes: ['violations'] }));
  const lines = result.violations.map(
    (v) =>
      `[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n` +
      v.nodes
        .slice(0, 5)
        .map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}`)
        .join('\n'),
  );
  if (lines.length) console.log(`axe-core on ${screen}:\n${lines.join('\n')}`);
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${screen}: [${v.impact}] ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

/** Waits until the locator has exactly the given text (whitespace-normalised) and returns it. */
async function waitForText(locator: Locator, text: string | RegExp): Promise<Locator> {
  const matching = locator.filter({ hasText: typeof text === 'string' ? new RegExp(`^\\s*${escape(text)}\\s*$`) : text });
  await matching.first().waitFor();
  return matching;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One of the messages in the open chat, by its text. */
function bubble(page: Page, text: string): Locator {
  return page.getByRole('log').getByTestId('message').filter({ hasText: text });
}

/** Waits for the tick of one of our own messages to carry the given accessible name ("Sent", "Delivered", "Read"). */
async function waitForTick(page: Page, text: string, state: 'Sent' | 'Delivered' | 'Read'): Promise<void> {
  await bubble(page, text).getByRole('img', { name: state, exact: true }).waitFor();
}

/** The tick's accessible name right now. */
async function tickOf(page: Page, text: string): Promise<string | null> {
  return bubble(page, text).getByRole('img').getAttribute('aria-label');
}

async function send(page: Page, text: string): Promise<void> {
  const composer = page.getByRole('textbox', { name: 'Type a message' });
  await composer.fill(text);
  await composer.press('Enter');
  await bubble(page, text).waitFor();
  expect(await composer.inputValue()).toBe('');
}

/** Opens a message's menu (it shows on hover) and returns its list of actions. */
async function messageMenu(page: Page, message: Locator): Promise<Locator> {
  await message.hover();
  await message.getByRole('button', { name: 'Message options' }).click();
  const menu = page.getByRole('menu', { name: 'Message actions' });
  await menu.waitFor();
  return menu;
}

/** The reaction chip a user sees under the messages of the open chat. */
function reactionChip(page: Page, name: string): Locator {
  return page.getByRole('log').getByRole('group', { name: 'Reactions' }).getByRole('button', { name });
}

/**
 * Routes a context's realtime sockets through the test, which can cut them as a network
 * outage would (the context goes offline too): the page sees its socket drop and cannot
 * connect again until the outage ends.
 */
async function outageSwitch(context: BrowserContext) {
  let down = false;
  const open = new Set<WebSocketRoute>();
  await context.routeWebSocket(/\/ws$/, (ws) => {
    if (down) {
      void ws.close({ code: 1001 });
      return;
    }
    ws.connectToServer();
    open.add(ws);
    ws.onClose(() => open.delete(ws));
  });
  return {
    async begin(): Promise<void> {
      down = true;
      await context.setOffline(true);
      await Promise.all([...open].map((ws) => ws.close({ code: 1001 })));
    },
    async end(page: Page): Promise<void> {
      down = false;
      await context.setOffline(false);
      // What the browser says when the network is back: the client reconnects at once.
      await page.evaluate(() => (globalThis as unknown as EventTarget).dispatchEvent(new Event('online')));
    },
  };
}

function chatList(page: Page): Locator {
  return page.getByRole('navigation', { name: 'Chats' });
}

function chatRow(page: Page, title: string): Locator {
  return page.getByRole('listbox', { name: 'Chat list' }).getByRole('option').filter({ hasText: title });
}

function subtitle(page: Page): Locator {
  return page.getByRole('region', { name: /^Chat with / }).getByTestId('chat-subtitle');
}

async function register(person: Person, appUrl: string): Promise<void> {
  const { page } = person;
  await page.goto(appUrl);
  await page.getByRole('heading', { name: 'Login' }).waitFor();
  await page.getByRole('button', { name: "Don't have an account? Register" }).click();
  await page.getByRole('heading', { name: 'Register' }).waitFor();
  await page.getByLabel('Username').fill(person.username);
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Full name (optional)').fill(person.fullName);
  await page.getByLabel('Password', { exact: true }).fill(person.password);
  await page.getByRole('button', { name: 'Register', exact: true }).click();
  // Registering logs in: the chat list, empty for a new account.
  await chatList(page).waitFor();
  await page.getByText('No chats yet. Start one with the new chat button.').waitFor();
}

async function logIn(person: Person): Promise<void> {
  const { page } = person;
  await page.getByRole('heading', { name: 'Login' }).waitFor();
  await page.getByLabel('Username').fill(person.username);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Login', exact: true }).click();
  await chatList(page).waitFor();
}

describe('the web client in Chromium', () => {
  let server: ServerProcess | undefined;
  let preview: Awaited<ReturnType<typeof startPreview>> | undefined;
  let browser: Browser | undefined;
  let appUrl: string;
  let alice: Person;
  let bob: Person;
  let carol: Person;
  const pageErrors: string[] = [];
  /** The first step of the conversation that failed: the later ones depend on it and are not run. */
  let failedStep: string | undefined;

  /** One step of the conversation between alice and bob; each builds on the ones before. */
  function step(name: string, body: () => Promise<void>): void {
    it(name, async () => {
      if (failedStep) throw new Error(`not run: an earlier step failed ("${failedStep}")`);
      try {
        await body();
      } catch (error) {
        failedStep = name;
        throw error;
      }
    });
  }

  async function person(name: string, fullName: string): Promise<Person> {
    const username = uniqueName(name);
    const context = await browser!.newContext({ viewport: VIEWPORT, colorScheme: 'light', locale: 'en-US' });
    context.setDefaultTimeout(UI_TIMEOUT_MS);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${name}: ${error.stack ?? error.message}`));
    return { username, fullName, email: `${username}@example.test`, password: `pw-${randomBytes(8).toString('hex')}`, context, page };
  }

  beforeAll(async () => {
    if (!existsSync(FRONTEND_INDEX)) {
      throw new Error(
        `${FRONTEND_INDEX} is missing: the browser test serves the built web client. ` +
          '`npm test` builds it (and the backend) first; to run this file alone, run `npm run build -w frontend`.',
      );
    }
    if (!existsSync(BACKEND_MAIN)) {
      throw new Error(`${BACKEND_MAIN} is missing: \`npm test\` builds it first; to run this file alone, run \`npm run build -w backend\`.`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });

    const apiPort = await freePort();
    server = spawnServer({
      NODE_ENV: 'test',
      // NODE_ENV=test logs nothing by default, and the readiness line is a log line.
      LOG_LEVEL: 'info',
      PORT: String(apiPort),
      DATABASE_URL: process.env.E2E_DATABASE_URL!,
      SECRET_KEY: randomBytes(32).toString('base64url'),
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ...ROOMY_LIMITS,
      PRESENCE_GRACE_MS: '500',
    });
    const api = server;
    await within(STARTUP_TIMEOUT_MS, waitForOutput(api, 'ChatFlow API on'), () => `the API did not start:\n${api.output()}`);
    preview = await startPreview(`http://127.0.0.1:${apiPort}`);
    appUrl = preview.url;

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    alice = await person('alice', ALICE_NAME);
    bob = await person('bob', BOB_NAME);
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await stopChild(preview?.child);
    await server?.stop();
  }, 15_000);

  it('shows an accessible login page', async () => {
    const { page } = alice;
    await page.goto(appUrl);
    await page.getByRole('heading', { name: 'Login' }).waitFor();
    // The username field has the focus, ready to type in.
    expect(await page.locator(':focus').getAttribute('id')).toBe('login-username');
    await shoot(page, 'login');
    expect(await audit(page, 'login page')).toEqual([]);
  });

  step('lets both register, and alice start a one-on-one chat with bob from the new-chat dialog', async () => {
    await register(bob, appUrl);
    await register(alice, appUrl);

    const { page } = alice;
    await page.getByRole('button', { name: 'New chat' }).click();
    const dialog = page.getByRole('dialog', { name: 'New chat' });
    await dialog.waitFor();
    await dialog.getByLabel('Search people').fill(bob.username);
    await dialog
      .getByRole('list', { name: 'People' })
      .getByRole('button')
      .filter({ hasText: `@${bob.username}` })
      .filter({ hasText: BOB_NAME })
      .click();
    await dialog.waitFor({ state: 'detached' });

    // The new chat is open, with bob's name and presence in its header.
    await page.getByRole('region', { name: `Chat with ${BOB_NAME}` }).waitFor();
    await waitForText(subtitle(page), 'online');
    await waitForText(chatRow(page, BOB_NAME), /No messages yet/);

    // Bob's list gets the chat live, without a reload.
    await waitForText(chatRow(bob.page, ALICE_NAME), /No messages yet/);
  });

  step('shows ✓ while bob is away, ✓✓ once his browser has the message, blue ✓✓ once he reads it; and his unread badge', async () => {
    // Bob logs out: alice sees him leave.
    await bob.page.getByRole('button', { name: 'Log out' }).click();
    await bob.page.getByRole('heading', { name: 'Login' }).waitFor();
    await waitForText(subtitle(alice.page), /^last seen today at /);

    await send(alice.page, CONVERSATION.dinner);
    await waitForTick(alice.page, CONVERSATION.dinner, 'Sent');

    // Bob logs in again: the chat shows one unread message, and alice sees him online.
    await logIn(bob);
    const row = chatRow(bob.page, ALICE_NAME);
    await waitForText(row.getByTestId('unread-badge'), '1 unread message');
    await waitForText(row.getByTestId('preview'), CONVERSATION.dinner);
    await waitForText(subtitle(alice.page), 'online');
    // Only listing chats: the message has not reached bob's screen yet.
    expect(await tickOf(alice.page, CONVERSATION.dinner)).toBe('Sent');

    // A second message reaches bob's open socket: both are delivered, and his badge counts two.
    await send(alice.page, CONVERSATION.booked);
    await waitForText(row.getByTestId('unread-badge'), '2 unread messages');
    await waitForText(row.getByTestId('preview'), CONVERSATION.booked);
    await waitForTick(alice.page, CONVERSATION.booked, 'Delivered');
    await waitForTick(alice.page, CONVERSATION.dinner, 'Delivered');
    expect(await row.getAttribute('aria-selected')).toBe('false');

    // Bob opens the chat: the badge goes, alice's ticks turn blue.
    await row.click();
    await bob.page.getByRole('region', { name: `Chat with ${ALICE_NAME}` }).waitFor();
    await bubble(bob.page, CONVERSATION.dinner).waitFor();
    await bubble(bob.page, CONVERSATION.booked).waitFor();
    await row.getByTestId('unread-badge').waitFor({ state: 'detached' });
    expect(await row.getAttribute('aria-selected')).toBe('true');
    await waitForText(subtitle(bob.page), 'online');
    await waitForTick(alice.page, CONVERSATION.dinner, 'Read');
    await waitForTick(alice.page, CONVERSATION.booked, 'Read');
    // Received messages carry no tick.
    expect(await bubble(bob.page, CONVERSATION.dinner).getByRole('img').count()).toBe(0);
  });

  step('delivers messages live both ways, with "typing…" while the other types', async () => {
    // Bob answers: alice sees it appear, and bob sees it read since alice has the chat open.
    await send(bob.page, CONVERSATION.yes);
    await bubble(alice.page, CONVERSATION.yes).waitFor();
    await waitForTick(bob.page, CONVERSATION.yes, 'Read');
    expect(await chatRow(alice.page, BOB_NAME).getByTestId('unread-badge').count()).toBe(0);

    // Alice types: bob sees "typing…" in the chat header, and it goes once her message arrives.
    const composer = alice.page.getByRole('textbox', { name: 'Type a message' });
    await composer.fill(CONVERSATION.sam);
    await waitForText(subtitle(bob.page), 'typing…');
    await composer.press('Enter');
    await bubble(bob.page, CONVERSATION.sam).waitFor();
    await waitForText(subtitle(bob.page), 'online');
    await waitForTick(alice.page, CONVERSATION.sam, 'Read');

    await send(bob.page, CONVERSATION.sure);
    await bubble(alice.page, CONVERSATION.sure).waitFor();
    await waitForTick(bob.page, CONVERSATION.sure, 'Read');

    // Both see the whole conversation, in order.
    const order = Object.values(CONVERSATION);
    for (const { page } of [alice, bob]) {
      const texts = await page.getByRole('log').getByTestId('message').allInnerTexts();
      expect(texts.map((t) => order.find((m) => t.includes(m)))).toEqual(order);
    }

    await shoot(alice.page, 'chat-alice');
    await shoot(bob.page, 'chat-bob');
  });

  it('has no serious accessibility violations on the chat screen', async () => {
    if (failedStep) throw new Error(`not run: an earlier step failed ("${failedStep}")`);
    expect([...(await audit(alice.page, "alice's open chat")), ...(await audit(bob.page, "bob's open chat"))]).toEqual([]);
  });

  step("keeps alice logged in, with the chat's history, across a reload", async () => {
    const { page } = alice;
    await page.reload();
    await chatList(page).waitFor();
    expect(await page.getByRole('heading', { name: 'Login' }).count()).toBe(0);
    const row = chatRow(page, BOB_NAME);
    await waitForText(row.getByTestId('preview'), CONVERSATION.sure);
    await row.click();
    await page.getByRole('region', { name: `Chat with ${BOB_NAME}` }).waitFor();
    for (const text of Object.values(CONVERSATION)) await bubble(page, text).waitFor();
    await waitForText(subtitle(page), 'online');
    for (const text of [CONVERSATION.dinner, CONVERSATION.booked, CONVERSATION.sam]) {
      expect(await tickOf(page, text)).toBe('Read');
    }

    if (process.env.UPDATE_SCREENSHOT === '1') {
      // No caret, focus ring or hover highlight in the picture.
      await page.getByRole('textbox', { name: 'Type a message' }).blur();
      await page.mouse.move(VIEWPORT.width - 1, VIEWPORT.height - 1);
      await page.screenshot({ path: DOCS_SCREENSHOT });
    }
  });

  step('replies, reacts, edits and deletes, each change seen live by the other', async () => {
    // Bob replies to alice's first message: the reply quotes it.
    await (await messageMenu(bob.page, bubble(bob.page, CONVERSATION.dinner))).getByRole('menuitem', { name: 'Reply' }).click();
    await waitForText(bob.page.getByTestId('reply-preview'), `${ALICE_NAME}${CONVERSATION.dinner}`);
    await send(bob.page, CHANGES.reply);
    await bob.page.getByTestId('reply-preview').waitFor({ state: 'detached' });
    const replyForAlice = bubble(alice.page, CHANGES.reply);
    await replyForAlice.getByRole('button', { name: `You ${CONVERSATION.dinner}` }).waitFor();

    // Alice reacts to it: bob sees who did.
    await messageMenu(alice.page, replyForAlice);
    await alice.page.getByRole('toolbar', { name: 'React' }).getByRole('button', { name: '❤️' }).click();
    await reactionChip(bob.page, `❤️ 1: ${ALICE_NAME}`).waitFor();
    expect(await reactionChip(alice.page, '❤️ 1: You').getAttribute('aria-pressed')).toBe('true');

    // Alice edits her first message in place: bob sees the new text, "edited", and his reply's quote follows.
    await (await messageMenu(alice.page, bubble(alice.page, CONVERSATION.dinner).first())).getByRole('menuitem', { name: 'Edit' }).click();
    const composer = alice.page.getByRole('textbox', { name: 'Type a message' });
    expect(await composer.inputValue()).toBe(CONVERSATION.dinner);
    await composer.fill(CHANGES.edited);
    await composer.press('Enter');
    await waitForText(bubble(bob.page, CHANGES.edited).first(), new RegExp(`${escape(CHANGES.edited)}\\s*edited`));
    await bubble(bob.page, CHANGES.reply).getByRole('button', { name: `${ALICE_NAME} ${CHANGES.edited}` }).waitFor();

    // Alice deletes her second message for everyone.
    await (await messageMenu(alice.page, bubble(alice.page, CONVERSATION.booked))).getByRole('menuitem', { name: 'Delete' }).click();
    await alice.page.getByRole('alertdialog', { name: 'Delete for everyone?' }).getByRole('button', { name: 'Delete for everyone' }).click();
    await bubble(bob.page, DELETED).waitFor();
    expect(await bubble(bob.page, CONVERSATION.booked).count()).toBe(0);
    await bubble(alice.page, DELETED).waitFor();

    await shoot(bob.page, 'changes-bob');
  });

  step('shows bob every change made while he was offline once he is back', async () => {
    const outage = await outageSwitch(bob.context);
    // Routing takes the sockets opened from now on: bob reloads, as when reopening the app.
    await bob.page.reload();
    await chatRow(bob.page, ALICE_NAME).click();
    await bubble(bob.page, CHANGES.reply).waitFor();

    await outage.begin();
    await bob.page.getByRole('status').filter({ hasText: 'Connecting…' }).waitFor();

    // Meanwhile alice sends a message, edits one, reacts to one of bob's and deletes the one he replied to.
    await send(alice.page, CHANGES.missed);
    await (await messageMenu(alice.page, bubble(alice.page, CONVERSATION.sam))).getByRole('menuitem', { name: 'Edit' }).click();
    const composer = alice.page.getByRole('textbox', { name: 'Type a message' });
    await composer.fill(CHANGES.samEdited);
    await composer.press('Enter');
    await bubble(alice.page, CHANGES.samEdited).waitFor();
    await messageMenu(alice.page, bubble(alice.page, CONVERSATION.yes));
    await alice.page.getByRole('toolbar', { name: 'React' }).getByRole('button', { name: '👍' }).click();
    await reactionChip(alice.page, '👍 1: You').waitFor();
    await (await messageMenu(alice.page, bubble(alice.page, CHANGES.edited).first())).getByRole('menuitem', { name: 'Delete' }).click();
    await alice.page.getByRole('alertdialog', { name: 'Delete for everyone?' }).getByRole('button', { name: 'Delete for everyone' }).click();
    await bubble(alice.page, CHANGES.reply).getByRole('button', { name: `You ${DELETED}` }).waitFor();
    // None of it reached bob.
    expect(await bubble(bob.page, CHANGES.missed).count()).toBe(0);
    expect(await bubble(bob.page, CHANGES.edited).count()).toBe(2);

    await outage.end(bob.page);
    await bubble(bob.page, CHANGES.missed).waitFor();
    await waitForText(bubble(bob.page, CHANGES.samEdited), new RegExp(`${escape(CHANGES.samEdited)}\\s*edited`));
    await reactionChip(bob.page, `👍 1: ${ALICE_NAME}`).waitFor();
    await bubble(bob.page, CHANGES.reply).getByRole('button', { name: `${ALICE_NAME} ${DELETED}` }).waitFor();
    expect(await bubble(bob.page, CHANGES.edited).count()).toBe(0);
    // Two tombstones, and the quote in bob's reply.
    expect(await bubble(bob.page, DELETED).count()).toBe(3);
    await waitForText(chatRow(bob.page, ALICE_NAME).getByTestId('preview'), CHANGES.missed);
    await bob.page.getByRole('status').filter({ hasText: 'Connecting…' }).waitFor({ state: 'detached' });
  });

  step('lets alice make a group with bob and carol and remove carol, whose chat turns read-only as it happens', async () => {
    carol = await person('carol', CAROL_NAME);
    await register(carol, appUrl);

    // Alice creates the group from the new-chat dialog, picking bob and carol.
    const { page } = alice;
    await page.getByRole('button', { name: 'New chat' }).click();
    await page.getByRole('dialog', { name: 'New chat' }).getByRole('button', { name: 'Group' }).click();
    const dialog = page.getByRole('dialog', { name: 'New group' });
    await dialog.getByLabel('Group name').fill(GROUP);
    for (const other of [bob, carol]) {
      await dialog.getByLabel('Search people').fill(other.username);
      await dialog.getByRole('list', { name: 'People' }).getByRole('checkbox', { name: new RegExp(escape(other.username)) }).check();
    }
    await dialog.getByRole('button', { name: /^Create group/ }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('region', { name: `Chat with ${GROUP}` }).waitFor();
    await send(page, GROUP_HELLO);

    // Carol has the group live, and opens it; bob sees it in his list.
    await chatRow(carol.page, GROUP).click();
    await bubble(carol.page, GROUP_HELLO).waitFor();
    await waitForText(chatRow(bob.page, GROUP).getByTestId('preview'), `${ALICE_NAME}: ${GROUP_HELLO}`);

    // Alice, the owner, opens the group's info: everyone with their role, and what she may do to each.
    await page.getByRole('button', { name: 'Group info' }).click();
    const panel = page.getByRole('complementary', { name: 'Group info' });
    const members = panel.getByRole('region', { name: 'Members' }).getByRole('listitem');
    await waitForText(members.first(), new RegExp(`You\\s*@${escape(alice.username)}\\s*Owner`));
    expect(await members.count()).toBe(3);
    await panel.getByRole('button', { name: `Options for ${CAROL_NAME}` }).click();
    const actions = panel.getByRole('group', { name: `Actions for ${CAROL_NAME}` }).getByRole('button');
    expect(await actions.allInnerTexts()).toEqual(['Make group admin', 'Remove']);
    await shoot(page, 'group-info-alice');
    expect(await audit(page, "alice's group info")).toEqual([]);

    await actions.filter({ hasText: 'Remove' }).click();
    await page.getByRole('alertdialog', { name: `Remove ${CAROL_NAME} from “${GROUP}”?` }).getByRole('button', { name: 'Remove' }).click();

    // Carol sees why, live: the notice, and no composer any more.
    const carolLog = carol.page.getByRole('log');
    await waitForText(carolLog.getByTestId('system-notice').last(), `${ALICE_NAME} removed you`);
    await carol.page.getByText(READ_ONLY).waitFor();
    expect(await carol.page.getByRole('textbox', { name: 'Type a message' }).count()).toBe(0);
    await waitForText(subtitle(carol.page), "You're no longer a participant");
    // The chat stays in her list, with its history.
    await waitForText(chatRow(carol.page, GROUP).getByTestId('preview'), `${ALICE_NAME} removed you`);
    await bubble(carol.page, GROUP_HELLO).waitFor();
    await shoot(carol.page, 'group-removed-carol');
    expect(await audit(carol.page, "carol's read-only group")).toEqual([]);

    // Alice and bob see the removal from their side.
    await waitForText(page.getByRole('log').getByTestId('system-notice').last(), `You removed ${CAROL_NAME}`);
    await panel.getByText('Group · 2 members').waitFor();
    expect(await members.count()).toBe(2);
    await waitForText(chatRow(bob.page, GROUP).getByTestId('preview'), `${ALICE_NAME} removed ${CAROL_NAME}`);
  });

  it('raised no error in either page', () => {
    expect(pageErrors).toEqual([]);
  });
});
