import { audit, logIn, register, shoot, startWebClient, storySteps, type Person, type WebClient } from '../support/browser';

/**
 * Sessions in the web client, in Chromium (support/browser.ts): one person logged in on two
 * devices (two browser contexts, the second one a "Firefox on Windows"). From the first, they
 * see both in Linked devices and log the other out, which lands on the login page told why;
 * then they log out with the button, and the API refuses that token from then on.
 */

const FIREFOX_ON_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:145.0) Gecko/20100101 Firefox/145.0';
const REVOKED_NOTICE = 'You were logged out from another device. Please log in again.';

describe('sessions in the web client', () => {
  let web: WebClient | undefined;
  let laptop: Person;
  let phone: Person;
  const step = storySteps(() => [laptop?.page, phone?.page]);

  beforeAll(async () => {
    web = await startWebClient();
    laptop = await web.person('dana', 'Dana Scully');
    phone = await web.otherDevice(laptop, { userAgent: FIREFOX_ON_WINDOWS });
  }, 30_000);

  afterAll(() => web?.stop(), 15_000);

  const tokenOf = (person: Person) => person.page.evaluate(() => sessionStorage.getItem('chatflow.token'));
  const me = (token: string) => fetch(`${web!.apiUrl}/users/me`, { headers: { Authorization: `Bearer ${token}` } });
  const devicesPanel = () => laptop.page.getByRole('region', { name: 'Linked devices' });

  step('lists this device and the other one in Linked devices', async () => {
    await register(laptop, web!.appUrl);
    await phone.page.goto(web!.appUrl);
    await logIn(phone);

    await laptop.page.getByRole('button', { name: 'Linked devices' }).click();
    const thisDevice = devicesPanel().getByRole('region', { name: 'This device' });
    await thisDevice.getByText('Chrome on Linux').waitFor();
    await thisDevice.getByText('Active now').waitFor();
    const others = devicesPanel().getByRole('region', { name: 'Other devices' });
    await others.getByRole('button', { name: 'Log out Firefox on Windows' }).waitFor();
    expect(await others.getByRole('listitem').count()).toBe(1);
    await shoot(laptop.page, 'linked-devices');
    expect(await audit(laptop.page, 'linked devices')).toEqual([]);
  });

  step('logs the other device out from the list: it lands on the login page, told why', async () => {
    const others = devicesPanel().getByRole('region', { name: 'Other devices' });
    await others.getByRole('button', { name: 'Log out Firefox on Windows' }).click();
    await others.getByText('No other device is logged in.').waitFor();
    await devicesPanel().getByRole('status').getByText('Logged out Firefox on Windows.').waitFor();

    await phone.page.getByRole('heading', { name: 'Login' }).waitFor();
    await phone.page.getByRole('status').getByText(REVOKED_NOTICE).waitFor();
    expect(await tokenOf(phone)).toBeNull();
    await shoot(phone.page, 'logged-out-from-another-device');
  });

  step("logs out with the button: the login page says nothing, and the API refuses the token", async () => {
    const { page } = laptop;
    const token = await tokenOf(laptop);
    expect(token).toBeTruthy();
    expect((await me(token!)).status).toBe(200);

    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Login' }).waitFor();
    expect(await page.getByRole('status').count()).toBe(0);
    expect(await tokenOf(laptop)).toBeNull();
    expect((await me(token!)).status).toBe(401);
  });

  it('raised no error in either page', () => {
    expect(web?.pageErrors).toEqual([]);
  });
});
