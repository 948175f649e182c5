import axe from 'axe-core';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';
import { ROOMY_LIMITS } from './app';
import { freePort } from './net';
import { BACKEND_MAIN, spawnServer, waitForOutput } from './server-process';
import { uniqueName } from './users';

/**
 * The web client in a real browser (Debian's Chromium driven by playwright-core) against
 * the built backend, served as a deployment would serve it: `vite preview` of
 * frontend/dist, forwarding the API's paths (WebSocket included) to the API process.
 */

const REPO = join(__dirname, '..', '..');
const FRONTEND = join(REPO, 'frontend');
const FRONTEND_INDEX = join(FRONTEND, 'dist', 'index.html');
const VITE = join(REPO, 'node_modules', 'vite', 'bin', 'vite.js');
const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(__dirname, '..', 'artifacts');
export const VIEWPORT = { width: 1280, height: 800 };
/** Any single wait for the UI; each browser file stays well under a minute. */
export const UI_TIMEOUT_MS = 10_000;
/** For the API and `vite preview` to start. */
const STARTUP_TIMEOUT_MS = 12_000;

export interface Person {
  username: string;
  fullName: string;
  email: string;
  password: string;
  context: BrowserContext;
  page: Page;
}

export interface WebClient {
  /** The web client's address (`vite preview`). */
  appUrl: string;
  /** The API process's own address, for calls made around the browser. */
  apiUrl: string;
  browser: Browser;
  /** Errors raised in any page of a person made here, as "name: stack". */
  pageErrors: string[];
  /** A person with a browser context of their own (a device); not registered yet. */
  person: (name: string, fullName: string, options?: BrowserContextOptions) => Promise<Person>;
  /** The same person on another device: a browser context of its own, not logged in yet. */
  otherDevice: (person: Person, options?: BrowserContextOptions) => Promise<Person>;
  stop: () => Promise<void>;
}

/** Starts the API, `vite preview` and Chromium; `stop()` ends them in turn. */
export async function startWebClient(env: Record<string, string> = {}): Promise<WebClient> {
  if (!existsSync(FRONTEND_INDEX)) {
    throw new Error(
      `${FRONTEND_INDEX} is missing: the browser tests serve the built web client. ` +
        '`npm test` builds it (and the backend) first; to run a browser test alone, run `npm run build -w frontend`.',
    );
  }
  if (!existsSync(BACKEND_MAIN)) {
    throw new Error(`${BACKEND_MAIN} is missing: \`npm test\` builds it first; to run a browser test alone, run \`npm run build -w backend\`.`);
  }
  mkdirSync(ARTIFACTS, { recursive: true });

  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const server = spawnServer({
    NODE_ENV: 'test',
    // NODE_ENV=test logs nothing by default, and the readiness line is a log line.
    LOG_LEVEL: 'info',
    PORT: String(apiPort),
    DATABASE_URL: process.env.E2E_DATABASE_URL!,
    SECRET_KEY: randomBytes(32).toString('base64url'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...ROOMY_LIMITS,
    ...env,
  });
  let preview: { child: ChildProcess; url: string } | undefined;
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close();
    await stopChild(preview?.child);
    await server.stop();
  };
  try {
    await within(STARTUP_TIMEOUT_MS, waitForOutput(server, 'ChatFlow API on'), () => `the API did not start:\n${server.output()}`);
    preview = await startPreview(apiUrl);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const started = browser;
  const pageErrors: string[] = [];

  async function device(name: string, options: BrowserContextOptions): Promise<Pick<Person, 'context' | 'page'>> {
    const context = await started.newContext({ viewport: VIEWPORT, colorScheme: 'light', locale: 'en-US', ...options });
    context.setDefaultTimeout(UI_TIMEOUT_MS);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${name}: ${error.stack ?? error.message}`));
    return { context, page };
  }

  async function person(name: string, fullName: string, options: BrowserContextOptions = {}): Promise<Person> {
    const username = uniqueName(name);
    const password = `pw-${randomBytes(8).toString('hex')}`;
    return { username, fullName, email: `${username}@example.test`, password, ...(await device(name, options)) };
  }

  async function otherDevice(of: Person, options: BrowserContextOptions = {}): Promise<Person> {
    return { ...of, ...(await device(`${of.username} (another device)`, options)) };
  }

  return { appUrl: preview.url, apiUrl, browser: started, pageErrors, person, otherDevice, stop };
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
export async function audit(page: Page, screen: string): Promise<string[]> {
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

export async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

export function chatList(page: Page) {
  return page.getByRole('navigation', { name: 'Chats' });
}

/** A chat's row in the chat list, by its title. */
export function chatRow(page: Page, title: string): Locator {
  return page.getByRole('listbox', { name: 'Chat list' }).getByRole('option').filter({ hasText: title });
}

/** One of the messages in the open chat, by its text. */
export function bubble(page: Page, text: string): Locator {
  return page.getByRole('log').getByTestId('message').filter({ hasText: text });
}

/** Sends a message from the open chat's composer: it shows in the chat, and the composer is empty again. */
export async function send(page: Page, text: string): Promise<void> {
  const composer = page.getByRole('textbox', { name: 'Type a message' });
  await composer.fill(text);
  await composer.press('Enter');
  await bubble(page, text).waitFor();
  expect(await composer.inputValue()).toBe('');
}

export async function register(person: Person, appUrl: string): Promise<void> {
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

/** Logs in from the login page the person's page shows. */
export async function logIn(person: Person): Promise<void> {
  const { page } = person;
  await page.getByRole('heading', { name: 'Login' }).waitFor();
  await page.getByLabel('Username').fill(person.username);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Login', exact: true }).click();
  await chatList(page).waitFor();
}

/**
 * Steps of one story, each building on the ones before: once one fails, the later ones fail
 * at once, naming it, instead of timing out on a page left in the wrong state.
 */
export function storySteps(pages: () => Array<Page | undefined> = () => []): (name: string, body: () => Promise<void>) => void {
  let failedStep: string | undefined;
  return (name, body) =>
    it(name, async () => {
      if (failedStep) throw new Error(`not run: an earlier step failed ("${failedStep}")`);
      try {
        await body();
      } catch (error) {
        failedStep = name;
        await describePages(name, pages());
        throw error;
      }
    });
}

/**
 * What the pages showed when a step failed — a screenshot of each in the artifacts and the
 * chat list's text in the log — so a failure seen once in CI can be read, not guessed.
 */
async function describePages(step: string, pages: Array<Page | undefined>): Promise<void> {
  const slug = step.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
  for (const [index, page] of pages.entries()) {
    if (!page || page.isClosed()) continue;
    const file = join(ARTIFACTS, `failed-${slug}-${index + 1}.png`);
    const shown = await chatList(page)
      .innerText({ timeout: 1_000 })
      .catch(() => '(no chat list)');
    await page.screenshot({ path: file, timeout: 5_000 }).catch(() => undefined);
    console.log(`page ${index + 1} at ${page.url()} when "${step}" failed (screenshot ${file}); its chat list:\n${shown}`);
  }
}
