import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// s3rver ships no types; what is used of it is typed here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => { run(): Promise<unknown>; close(): Promise<void> };
import { freePort } from './net';

export interface TestS3 {
  /** The S3_ variables of a deployment using it. */
  env: Record<string, string>;
  /** Where s3rver keeps an object of the bucket on disk (to look at what is stored). */
  objectPath: (key: string) => string;
  close: () => Promise<void>;
}

const BUCKET = 'chatflow-test';

/** A real S3-compatible server (s3rver) on a free loopback port, its objects in a fresh temporary folder. */
export async function startS3(): Promise<TestS3> {
  const directory = mkdtempSync(join(tmpdir(), 'chatflow-s3-'));
  const port = await freePort();
  const server = new S3rver({ port, address: '127.0.0.1', directory, silent: true, configureBuckets: [{ name: BUCKET }] });
  await server.run();
  return {
    env: {
      S3_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_BUCKET: BUCKET,
      S3_REGION: 'us-east-1',
      // s3rver's fixed development credentials.
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_FORCE_PATH_STYLE: 'true',
    },
    objectPath: (key) => {
      const parts = key.split('/');
      const last = parts.pop()!;
      return join(directory, BUCKET, ...parts, `${last}._S3rver_object`);
    },
    close: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
