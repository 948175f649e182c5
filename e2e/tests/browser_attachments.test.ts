import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { bubble, chatRow, register, shoot, startWebClient, storySteps, UI_TIMEOUT_MS, type Person, type WebClient } from '../support/browser';

/**
 * Attachments in the web client, in Chromium against the real server (support/browser.ts):
 * Alice picks a photo, sees it upload in the composer's tray and sends it with a caption; Bob
 * sees "📷 …" in his chat list, the thumbnail in the space its size reserves, and opens the
 * full picture in the lightbox; a PDF arrives as a file card; a picture whose signed link has
 * expired (they last 5 s here) is fetched again and shows; a file the server refuses (its
 * bytes are a program, whatever its name) says so in the tray and cannot be sent. No CSP
 * violation on the way: the pictures load from the API's signed URLs through the page's origin.
 */

interface Api {
  token: string;
  id: string;
}

const CAPTION = 'Sunset at the pier';
const URL_TTL_SECONDS = 5;
/** A minimal PDF: what the server's type check recognises as application/pdf. */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');
/** The start of a Linux program: refused whatever it is called (415). */
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), Buffer.alloc(120)]);

describe('attachments in the web client', () => {
  let web: WebClient | undefined;
  let alice: Person;
  let bob: Person;
  let dataDir: string;
  const violations: string[] = [];
  const step = storySteps(() => [alice?.page, bob?.page]);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'chatflow-browser-attachments-'));
    // Links that expire within the story, so the client's renewal is exercised for real.
    web = await startWebClient({ DATA_DIR: dataDir, ATTACHMENT_URL_TTL_SECONDS: String(URL_TTL_SECONDS) });
    alice = await web.person('alice', 'Alice Liddell');
    bob = await web.person('bob', 'Bob Marley');
    for (const person of [alice, bob]) {
      person.page.on('console', (message) => {
        if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(`${person.username}: ${message.text()}`);
      });
    }
  }, 30_000);

  afterAll(async () => {
    await web?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 15_000);

  async function apiOf(person: Person): Promise<Api> {
    const token = (await person.page.evaluate(() => sessionStorage.getItem('chatflow.token'))) as string;
    const res = await fetch(`${web!.apiUrl}/users/me`, { headers: { Authorization: `Bearer ${token}` } });
    return { token, id: ((await res.json()) as { id: string }).id };
  }

  const tray = (page: Page) => page.getByRole('list', { name: 'Files to send' });
  const composer = (page: Page) => page.getByRole('textbox', { name: 'Type a message' });

  /** Waits until an <img> has loaded; resolves with its natural size. */
  async function loaded(image: Locator): Promise<{ width: number; height: number }> {
    const handle = await image.elementHandle();
    await image.page().waitForFunction((img) => {
      const { complete, naturalWidth } = img as unknown as { complete: boolean; naturalWidth: number };
      return complete && naturalWidth > 0;
    }, handle);
    return image.evaluate((img) => {
      const { naturalWidth, naturalHeight } = img as unknown as { naturalWidth: number; naturalHeight: number };
      return { width: naturalWidth, height: naturalHeight };
    });
  }

  step('Alice picks a photo: it uploads in the tray and goes with its caption', async () => {
    await register(alice, web!.appUrl);
    await register(bob, web!.appUrl);
    const [aliceApi, bobApi] = await Promise.all([apiOf(alice), apiOf(bob)]);
    const created = await fetch(`${web!.apiUrl}/conversations/`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${aliceApi.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ participant_ids: [bobApi.id] }),
    });
    expect(created.status).toBe(201);

    await chatRow(alice.page, 'Bob Marley').click();
    const photo = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#e07a3f' } }).png().toBuffer();
    await alice.page.getByTestId('attach-input').setInputFiles({ name: 'sunset.png', mimeType: 'image/png', buffer: photo });
    const picked = tray(alice.page).getByTestId('tray-file');
    await picked.filter({ hasText: 'sunset.png' }).waitFor();
    expect(await picked.locator('img').getAttribute('src')).toMatch(/^blob:/);
    // Uploaded: the progress bar is gone and nothing failed.
    await picked.getByRole('progressbar').waitFor({ state: 'detached' });
    expect(await picked.getByRole('alert').count()).toBe(0);

    await composer(alice.page).fill(CAPTION);
    await composer(alice.page).press('Enter');
    await tray(alice.page).waitFor({ state: 'detached' });
    const sent = bubble(alice.page, CAPTION);
    await sent.getByRole('img', { name: /^(Sent|Delivered|Read)$/ }).waitFor();
    // Acknowledged: the server's thumbnail replaces the page's preview.
    const mine = sent.getByRole('img', { name: 'sunset.png' });
    await alice.page.waitForFunction((img) => !(img as unknown as { src: string }).src.startsWith('blob:'), await mine.elementHandle());
    await loaded(mine);
  });

  step('Bob sees "📷 caption" in his list, the thumbnail in its reserved space, and opens it in the lightbox', async () => {
    await chatRow(bob.page, 'Alice Liddell').getByText(`📷 ${CAPTION}`).waitFor();
    await chatRow(bob.page, 'Alice Liddell').click();
    const received = bubble(bob.page, CAPTION);
    const thumbnail = received.getByRole('img', { name: 'sunset.png' });
    // 1200×800 shown within 330×330: the space is kept from the server's width and height.
    expect([await thumbnail.getAttribute('width'), await thumbnail.getAttribute('height')]).toEqual(['330', '220']);
    expect(await thumbnail.getAttribute('src')).toMatch(/^\/attachments\/[0-9a-f-]+\/thumbnail\?/);
    const thumbnailSize = await loaded(thumbnail);
    expect(thumbnailSize.width).toBeLessThan(1200);

    const opener = received.getByRole('button', { name: 'Open photo sunset.png' });
    await opener.click();
    const lightbox = bob.page.getByRole('dialog', { name: 'sunset.png' });
    await lightbox.waitFor();
    expect(await loaded(lightbox.getByRole('img', { name: 'sunset.png' }))).toEqual({ width: 1200, height: 800 });
    expect(await lightbox.getByRole('link', { name: 'Download sunset.png' }).getAttribute('download')).toBe('sunset.png');
    await bob.page.keyboard.press('Escape');
    await lightbox.waitFor({ state: 'detached' });
    expect(await opener.evaluate((button) => button === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement)).toBe(true);
  });

  step('a PDF arrives as a file card to download, "📄 name" in the list', async () => {
    await alice.page.getByTestId('attach-input').setInputFiles({ name: 'minutes.pdf', mimeType: 'application/pdf', buffer: PDF });
    await tray(alice.page).getByTestId('tray-file').getByRole('progressbar').waitFor({ state: 'detached' });
    await alice.page.getByRole('button', { name: 'Send' }).click();
    await tray(alice.page).waitFor({ state: 'detached' });

    const card = bob.page.getByRole('log').getByRole('link', { name: /^Download minutes\.pdf, / });
    await card.waitFor();
    expect(await card.getAttribute('download')).toBe('minutes.pdf');
    const href = (await card.getAttribute('href'))!;
    expect(href).toMatch(/^\/attachments\/[0-9a-f-]+\/original\?/);
    const file = await bob.page.request.get(new URL(href, web!.appUrl).toString());
    expect(file.status()).toBe(200);
    expect(Buffer.from(await file.body()).equals(PDF)).toBe(true);
    await chatRow(bob.page, 'Alice Liddell').getByText('📄 minutes.pdf').waitFor();
  });

  step('a picture whose link expired is fetched again when it fails to load, and shows', async () => {
    const harbour = await sharp({ create: { width: 600, height: 900, channels: 3, background: '#2f6f9f' } }).jpeg().toBuffer();
    await alice.page.getByTestId('attach-input').setInputFiles({ name: 'harbour.jpg', mimeType: 'image/jpeg', buffer: harbour });
    await tray(alice.page).getByTestId('tray-file').getByRole('progressbar').waitFor({ state: 'detached' });
    await composer(alice.page).fill('The harbour');
    await composer(alice.page).press('Enter');

    const received = bubble(bob.page, 'The harbour');
    await loaded(received.getByRole('img', { name: 'harbour.jpg' }));
    await shoot(bob.page, 'attachments-bubbles');
    // Bob has not opened it: the full picture's link, held since it arrived, expires (403). A link
    // signed now expires no earlier than his: once it answers 403, his does too.
    const chats = (await (
      await fetch(`${web!.apiUrl}/conversations/`, { headers: { Authorization: `Bearer ${(await apiOf(bob)).token}` } })
    ).json()) as Array<{ last_message: { attachments: Array<{ url: string }> } }>;
    const signedNow = chats[0].last_message.attachments[0].url;
    const deadline = Date.now() + (URL_TTL_SECONDS + 3) * 1000;
    while ((await fetch(new URL(signedNow, web!.appUrl)).then((r) => r.status)) !== 403) {
      if (Date.now() > deadline) throw new Error('the signed link did not expire');
      await bob.page.waitForTimeout(250);
    }

    const refetched = bob.page.waitForRequest((request) => /\/conversations\/[0-9a-f-]+\/messages\?after=/.test(request.url()), { timeout: UI_TIMEOUT_MS });
    await received.getByRole('button', { name: 'Open photo harbour.jpg' }).click();
    const lightbox = bob.page.getByRole('dialog', { name: 'harbour.jpg' });
    await refetched;
    expect(await loaded(lightbox.getByRole('img', { name: 'harbour.jpg' }))).toEqual({ width: 600, height: 900 });
    await shoot(bob.page, 'attachments-lightbox');
    await bob.page.keyboard.press('Escape');
  });

  step('a file the server refuses says why in the tray, and cannot be sent until removed', async () => {
    await alice.page.getByTestId('attach-input').setInputFiles({ name: 'report.pdf', mimeType: 'application/pdf', buffer: ELF });
    const refused = tray(alice.page).getByTestId('tray-file').filter({ hasText: 'report.pdf' });
    await refused.getByRole('alert').filter({ hasText: "This type of file can't be sent" }).waitFor();
    await composer(alice.page).fill('Will this go?');
    expect(await alice.page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    await shoot(alice.page, 'attachments-tray');
    await refused.getByRole('button', { name: 'Remove report.pdf' }).click();
    await tray(alice.page).waitFor({ state: 'detached' });
    expect(await alice.page.getByRole('button', { name: 'Send' }).isEnabled()).toBe(true);
  });

  it('reported no Content-Security-Policy violation and raised no error in any page', () => {
    expect(violations).toEqual([]);
    expect(web?.pageErrors).toEqual([]);
  });
});
