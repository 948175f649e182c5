// Looks at a running client the way a person would: screenshots of the login page, the chat
// list, an open chat and the new-chat dialog (light and dark, desktop and phone), and an
// axe-core audit of each screen. Exits 1 on any serious or critical violation.
//
//   node scripts/ui-check.mjs --user USERNAME --password PASSWORD [--url http://localhost:3000]
//        [--out /tmp/chatflow-shots] [--chromium /usr/bin/chromium]
//
// The account must exist and have at least one conversation.
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://localhost:3000' },
    user: { type: 'string' },
    password: { type: 'string' },
    out: { type: 'string', default: '/tmp/chatflow-shots' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
if (!values.user || !values.password) {
  console.error('usage: node scripts/ui-check.mjs --user USERNAME --password PASSWORD [--url URL] [--out DIR]');
  process.exit(2);
}

const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
await mkdir(values.out, { recursive: true });

const browser = await chromium.launch({
  executablePath: values.chromium,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

let serious = 0;

async function audit(page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => globalThis.axe.run(globalThis.document, { resultTypes: ['violations'] }));
  for (const violation of result.violations) {
    const bad = violation.impact === 'serious' || violation.impact === 'critical';
    if (bad) serious += 1;
    console.log(`${bad ? 'FAIL' : 'note'} ${name}: [${violation.impact}] ${violation.id} — ${violation.help}`);
    for (const node of violation.nodes.slice(0, 5)) console.log(`     ${node.target.join(' ')} ${node.failureSummary?.split('\n')[1] ?? ''}`);
  }
  if (result.violations.length === 0) console.log(`ok   ${name}: no axe violations`);
}

async function shoot(page, name) {
  const path = `${values.out}/${name}.png`;
  await page.screenshot({ path });
  console.log(`shot ${path}`);
}

for (const [scheme, width, height] of [
  ['light', 1400, 900],
  ['dark', 1400, 900],
  ['light', 390, 844],
]) {
  const tag = `${scheme}-${width}`;
  const context = await browser.newContext({ viewport: { width, height }, colorScheme: scheme });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.log(`page error (${tag}): ${error.message}`));
  await page.goto(values.url);
  await page.getByRole('heading', { name: 'Login' }).waitFor();
  await shoot(page, `login-${tag}`);
  await audit(page, `login ${tag}`);

  await page.getByLabel('Username').fill(values.user);
  await page.getByLabel('Password').fill(values.password);
  await page.getByRole('button', { name: 'Login' }).click();
  await page.getByRole('listbox', { name: 'Chat list' }).waitFor();
  await page.waitForLoadState('networkidle');
  await shoot(page, `list-${tag}`);
  await audit(page, `chat list ${tag}`);

  await page.getByRole('option').first().click();
  await page.getByRole('log').waitFor();
  await page.waitForLoadState('networkidle');
  await shoot(page, `chat-${tag}`);
  await audit(page, `open chat ${tag}`);

  if (width < 768) await page.getByRole('button', { name: 'Back to chats' }).click();
  await page.getByRole('button', { name: 'New chat' }).click();
  await page.getByRole('dialog').waitFor();
  await page.waitForLoadState('networkidle');
  await shoot(page, `new-chat-${tag}`);
  await audit(page, `new chat dialog ${tag}`);
  await context.close();
}

await browser.close();
console.log(serious ? `${serious} serious or critical violations` : 'no serious or critical violations');
process.exit(serious ? 1 : 0);
