import { join } from 'node:path';
import type { BrowserContext, Locator, Page, WebSocketRoute } from 'playwright-core';
import { audit, bubble, chatList, chatRow, logIn, register, send, shoot, startWebClient, VIEWPORT, type Person, type WebClient } from '../support/browser';

/**
 * The web client in a real browser against the built backend (support/browser.ts).
 * Two people, each in their own browser context, register, start a chat and talk; then they
 * reply, react, edit and delete, live and across an outage of one of them. Last, a third joins
 * them in a group, and the group's owner removes her: her chat turns read-only as it happens.
 */

const DOCS_SCREENSHOT = join(__dirname, '..', '..', 'docs', 'screenshot.png');

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

/** Waits until the locator has exactly the given text (whitespace-normalised) and returns it. */
async function waitForText(locator: Locator, text: string | RegExp): Promise<Locator> {
  const matching = locator.filter({ hasText: typeof text === 'string' ? new RegExp(`^\\s*${escape(text)}\\s*$`) : text });
  await matching.first().waitFor();
  return matching;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Waits for the tick of one of our own messages to carry the given accessible name ("Sent", "Delivered", "Read"). */
async function waitForTick(page: Page, text: string, state: 'Sent' | 'Delivered' | 'Read'): Promise<void> {
  await bubble(page, text).getByRole('img', { name: state, exact: true }).waitFor();
}

/** The tick's accessible name right now. */
async function tickOf(page: Page, text: string): Promise<string | null> {
  return bubble(page, text).getByRole('img').getAttribute('aria-label');
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

function subtitle(page: Page): Locator {
  return page.getByRole('region', { name: /^Chat with / }).getByTestId('chat-subtitle');
}

describe('the web client in Chromium', () => {
  let web: WebClient | undefined;
  let appUrl: string;
  let alice: Person;
  let bob: Person;
  let carol: Person;
  let pageErrors: string[] = [];
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

  beforeAll(async () => {
    web = await startWebClient({ PRESENCE_GRACE_MS: '500' });
    ({ appUrl, pageErrors } = web);
    alice = await web.person('alice', ALICE_NAME);
    bob = await web.person('bob', BOB_NAME);
  }, 30_000);

  afterAll(() => web?.stop(), 15_000);

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

    // Bob's list leaves out a chat alice started until she writes in it (the next step's message brings it).
    await bob.page.getByText('No chats yet. Start one with the new chat button.').waitFor();
    expect(await chatRow(bob.page, ALICE_NAME).count()).toBe(0);
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
    carol = await web!.person('carol', CAROL_NAME);
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
