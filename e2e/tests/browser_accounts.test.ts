import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { audit, bubble, chatList, chatRow, logIn, register, send, shoot, startWebClient, storySteps, type Person, type WebClient } from '../support/browser';

/**
 * The account in the web client, in Chromium (support/browser.ts): two people talk; one of
 * them, also logged in on a second device, changes her password in Settings (the other device
 * is logged out, the old password no longer works), downloads her data (a JSON file holding
 * the chat), then deletes her account. The other person's chat turns into one with a
 * "Deleted account", read-only, as it happens; she lands on the login page told why.
 */

const ERIN_NAME = 'Erin Hale';
const FINN_NAME = 'Finn Ortiz';
const HELLO = 'Finn, I am closing my ChatFlow account tonight.';
const ANSWER = 'Sorry to see you go, Erin!';
const DELETED_NOTICE = 'Your account was deleted.';
const REVOKED_NOTICE = 'You were logged out from another device. Please log in again.';
const READ_ONLY = "This account was deleted. You can't send messages to it.";

function settingsSection(page: Page, name: string): Locator {
  return page.getByRole('region', { name: 'Settings' }).getByRole('region', { name });
}

async function changePassword(form: Locator, current: string, next: string): Promise<void> {
  await form.getByLabel('Current password', { exact: true }).fill(current);
  await form.getByLabel('New password', { exact: true }).fill(next);
  await form.getByLabel('Confirm new password', { exact: true }).fill(next);
  await form.getByRole('button', { name: 'Change password' }).click();
}

describe('the account in the web client', () => {
  let web: WebClient | undefined;
  let erin: Person;
  let erinsPhone: Person;
  let finn: Person;
  let newPassword: string;
  const step = storySteps(() => [erin?.page, finn?.page]);

  beforeAll(async () => {
    web = await startWebClient();
    erin = await web.person('erin', ERIN_NAME);
    finn = await web.person('finn', FINN_NAME);
    erinsPhone = await web.otherDevice(erin);
    newPassword = `${erin.password}-renewed`;
  }, 30_000);

  afterAll(() => web?.stop(), 15_000);

  const login = (username: string, password: string) =>
    fetch(`${web!.apiUrl}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }) });

  step('lets two people register and talk', async () => {
    await register(finn, web!.appUrl);
    await register(erin, web!.appUrl);
    const { page } = erin;
    await page.getByRole('button', { name: 'New chat' }).click();
    const dialog = page.getByRole('dialog', { name: 'New chat' });
    await dialog.getByLabel('Search people').fill(finn.username);
    await dialog.getByRole('list', { name: 'People' }).getByRole('button').filter({ hasText: FINN_NAME }).click();
    await page.getByRole('region', { name: `Chat with ${FINN_NAME}` }).waitFor();
    await send(page, HELLO);

    await chatRow(finn.page, ERIN_NAME).click();
    await bubble(finn.page, HELLO).waitFor();
    await send(finn.page, ANSWER);
    await bubble(page, ANSWER).waitFor();
  });

  step('changes her password in Settings: a wrong current one is refused; then her other device is logged out and the old password no longer works', async () => {
    await erinsPhone.page.goto(web!.appUrl);
    await logIn(erinsPhone);

    const { page } = erin;
    await page.getByRole('button', { name: 'Settings' }).click();
    const form = settingsSection(page, 'Change password');
    await form.waitFor();
    await shoot(page, 'settings');
    expect(await audit(page, 'settings panel')).toEqual([]);

    await changePassword(form, 'not my password at all', newPassword);
    await form.getByRole('alert').getByText('Current password is incorrect.').waitFor();

    await changePassword(form, erin.password, newPassword);
    await form.getByRole('status').getByText('Your password was changed. Your other devices were logged out.').waitFor();
    expect(await form.getByRole('alert').count()).toBe(0);

    await erinsPhone.page.getByRole('heading', { name: 'Login' }).waitFor();
    await erinsPhone.page.getByRole('status').getByText(REVOKED_NOTICE).waitFor();
    await erinsPhone.context.close();
    expect((await login(erin.username, erin.password)).status).toBe(401);
    expect((await login(erin.username, newPassword)).status).toBe(200);
    // This device stays logged in.
    expect(await page.getByRole('heading', { name: 'Login' }).count()).toBe(0);
  });

  step('downloads her data: a JSON file under the server’s name, holding the chat', async () => {
    const { page } = erin;
    const section = settingsSection(page, 'Download my data');
    const [download] = await Promise.all([page.waitForEvent('download'), section.getByRole('button', { name: 'Download my data' }).click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^chatflow-export-${erin.username}-\\d{4}-\\d{2}-\\d{2}\\.json$`));
    await section.getByRole('status').getByText(`Downloaded ${download.suggestedFilename()}.`).waitFor();

    const exported = JSON.parse(await readFile(await download.path(), 'utf8')) as {
      user: { username: string };
      conversations: Array<{ messages: Array<{ content: string }> }>;
    };
    expect(exported.user.username).toBe(erin.username);
    const contents = exported.conversations.flatMap((c) => c.messages.map((m) => m.content));
    expect(contents).toEqual(expect.arrayContaining([HELLO, ANSWER]));
  });

  step('deletes her account: she lands on the login page told so; Finn’s chat shows a deleted account, read-only, live', async () => {
    const { page } = erin;
    await settingsSection(page, 'Delete account').getByRole('button', { name: 'Delete my account' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Delete your account?' });
    await dialog.getByLabel('Password').fill(newPassword);
    await shoot(page, 'delete-account');
    expect(await audit(page, 'delete account dialog')).toEqual([]);
    await dialog.getByRole('button', { name: 'Delete account' }).click();

    await page.getByRole('heading', { name: 'Login' }).waitFor();
    await page.getByRole('status').getByText(DELETED_NOTICE, { exact: true }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('chatflow.token'))).toBeNull();
    await shoot(page, 'account-deleted');

    const other = finn.page;
    await other.getByRole('region', { name: 'Chat with Deleted account' }).waitFor();
    await other.getByRole('status').getByText(READ_ONLY).waitFor();
    expect(await other.getByRole('textbox', { name: 'Type a message' }).count()).toBe(0);
    await chatRow(other, 'Deleted account').waitFor();
    expect(await chatList(other).getByText(ERIN_NAME).count()).toBe(0);
    // Her messages stay, from "Deleted account".
    await bubble(other, HELLO).waitFor();
    await other.getByRole('button', { name: 'Contact info' }).click();
    const info = other.getByRole('complementary', { name: 'Contact info' });
    await info.getByRole('heading', { name: 'Deleted account' }).waitFor();
    expect(await info.getByRole('button', { name: /Block/ }).count()).toBe(0);
    await shoot(other, 'chat-with-deleted-account');
    expect(await audit(other, 'chat with a deleted account')).toEqual([]);

    expect((await login(erin.username, newPassword)).status).toBe(401);
  });

  it('raised no error in any page', () => {
    expect(web?.pageErrors).toEqual([]);
  });
});
