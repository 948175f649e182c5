import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { AttachmentUrls } from '../../backend/src/attachments/attachment-urls';
import { AttachmentsService } from '../../backend/src/attachments/attachments.service';
import type { AttachmentDto } from '../../backend/src/attachments/dto/attachment.dto';
import type { MessageDto } from '../../backend/src/conversations/dto/message.dto';
import { sealedSize } from '../../backend/src/platform/crypto/file-cipher';
import { startApp, type TestApp } from '../support/app';
import { startS3, type TestS3 } from '../support/s3';
import { registerUser, startConversation, type TestUser } from '../support/users';
import { WsClient } from '../support/ws';

const MAX_BYTES = 2 * 1024 * 1024;
const MARKER = 'PLAINTEXT-MARKER-7f3a9c';

const png = (width = 64, height = 48) =>
  sharp({ create: { width, height, channels: 3, background: '#3366cc' } })
    .png()
    .toBuffer();

/** A JPEG that tells where it was taken (GPS) and carries a marker in its EXIF. */
const jpegWithGps = () =>
  sharp({ create: { width: 80, height: 60, channels: 3, background: '#cc6633' } })
    .jpeg()
    .withExif({
      IFD0: { Copyright: MARKER, Make: 'TestCam' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2400/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 17/1 4000/100' },
    })
    .toBuffer();

/** An ELF executable's first bytes, padded: what a renamed program looks like. */
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), Buffer.alloc(56), randomBytes(512)]);
/** A Windows executable's first bytes. */
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), Buffer.alloc(64), Buffer.from('PE\0\0'), randomBytes(400)]);

/** Everything a deployment with attachments in a folder (or in S3) must do (API.md v2, "Attachments"). */
function attachmentSuite(storage: 'local' | 's3') {
  let t: TestApp;
  let dataDir: string;
  let s3: TestS3 | undefined;
  const urlKey = randomBytes(32).toString('base64url');

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'chatflow-attachments-'));
    s3 = storage === 's3' ? await startS3() : undefined;
    t = await startApp({
      env: {
        DATA_DIR: dataDir,
        ATTACHMENT_MAX_BYTES: String(MAX_BYTES),
        ATTACHMENT_URL_KEY: urlKey,
        ATTACHMENT_SWEEP_INTERVAL_SECONDS: '0',
        ...(s3?.env ?? {}),
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await s3?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const upload = (user: TestUser | undefined, bytes: Buffer, filename: string, contentType = 'application/octet-stream') => {
    const req = t.http().post('/attachments');
    if (user) req.set('Authorization', user.auth);
    return req.attach('file', bytes, { filename, contentType });
  };
  async function uploaded(user: TestUser, bytes: Buffer, filename: string): Promise<AttachmentDto> {
    const res = await upload(user, bytes, filename);
    expect(res.status).toBe(201);
    return res.body as AttachmentDto;
  }
  const download = (url: string) =>
    t
      .http()
      .get(url)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
  const send = (user: TestUser, conversationId: string, body: Record<string, unknown>) =>
    t.http().post(`/conversations/${conversationId}/messages`).set('Authorization', user.auth).send(body);
  async function history(user: TestUser, conversationId: string): Promise<MessageDto[]> {
    const res = await t.http().get(`/conversations/${conversationId}/messages`).set('Authorization', user.auth);
    expect(res.status).toBe(200);
    return res.body as MessageDto[];
  }

  /** The sealed bytes of a stored file, wherever this deployment keeps them (undefined: none). */
  function stored(id: string, variant = 'original'): Buffer | undefined {
    const path = storage === 's3' ? s3!.objectPath(`${id}/${variant}`) : join(dataDir, 'attachments', id, variant);
    return path && existsSync(path) ? readFileSync(path) : undefined;
  }

  describe('POST /attachments', () => {
    it('takes an image (201): the Attachment with its size, dimensions and signed URLs', async () => {
      const alice = await registerUser(t);
      const res = await upload(alice, await png(64, 48), 'holiday.png', 'image/png');
      expect(res.status).toBe(201);
      const a = res.body as AttachmentDto;
      expect(Object.keys(a).sort()).toEqual(['content_type', 'filename', 'height', 'id', 'size', 'thumbnail_url', 'url', 'width']);
      expect(a).toMatchObject({ filename: 'holiday.png', content_type: 'image/png', width: 64, height: 48 });
      expect(a.url).toMatch(new RegExp(`^/attachments/${a.id}/original\\?expires=\\d+&signature=[\\w-]+$`));
      expect(a.thumbnail_url).toMatch(new RegExp(`^/attachments/${a.id}/thumbnail\\?`));
    });

    it('answers 401 without a token', async () => {
      expect((await upload(undefined, await png(), 'a.png')).status).toBe(401);
    });

    it('answers 400 to a body that is not multipart, or has no field "file"', async () => {
      const alice = await registerUser(t);
      const json = await t.http().post('/attachments').set('Authorization', alice.auth).send({ file: 'x' });
      expect(json.status).toBe(400);
      const other = await t.http().post('/attachments').set('Authorization', alice.auth).attach('document', Buffer.from('hello'), 'a.txt');
      expect(other.status).toBe(400);
      expect(other.body).toMatchObject({ statusCode: 400 });
    });

    it('answers 413 to a file over ATTACHMENT_MAX_BYTES, and keeps nothing of it', async () => {
      const alice = await registerUser(t);
      const res = await upload(alice, Buffer.alloc(MAX_BYTES + 1, 'a'), 'big.txt', 'text/plain');
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ statusCode: 413 });
      const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM attachments WHERE uploader_id = $1`, [alice.id]);
      expect(rows[0].n).toBe(0);
      expect(readdirSync(join(dataDir, 'tmp', 'uploads'))).toEqual([]);
    });

    it('streams a file right at the limit through (201), its size exact', async () => {
      const alice = await registerUser(t);
      const bytes = Buffer.alloc(MAX_BYTES, 'b');
      const a = await uploaded(alice, bytes, 'limit.txt');
      expect(a).toMatchObject({ size: MAX_BYTES, content_type: 'text/plain; charset=utf-8' });
      const res = await download(a.url);
      expect(res.status).toBe(200);
      expect((res.body as Buffer).equals(bytes)).toBe(true);
    });

    it.each([
      ['an ELF program named .png', ELF, 'cat.png'],
      ['a Windows program named .jpg', EXE, 'photo.jpg'],
      ['binary noise named .pdf', Buffer.concat([Buffer.from([0, 1, 2, 3, 0xff, 0xfe]), randomBytes(2000)]), 'report.pdf'],
    ])('answers 415 to %s (the type is judged from the bytes)', async (_what, bytes, name) => {
      const alice = await registerUser(t);
      const res = await upload(alice, bytes, name, 'image/png');
      expect(res.status).toBe(415);
      expect(res.body).toMatchObject({ statusCode: 415 });
    });

    it('takes a PDF and plain text by their bytes, whatever they are called', async () => {
      const alice = await registerUser(t);
      const pdf = await uploaded(alice, Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'), 'notes.png');
      expect(pdf).toMatchObject({ content_type: 'application/pdf', width: null, height: null, thumbnail_url: null });
      const text = await uploaded(alice, Buffer.from('Grüße, 你好\n'), 'hello.exe');
      expect(text.content_type).toBe('text/plain; charset=utf-8');
    });

    it('sanitises the file name: no folders, no control or bidi-override characters', async () => {
      const alice = await registerUser(t);
      const a = await uploaded(alice, Buffer.from('hello'), '../../etc/\u202Etxt.exe');
      expect(a.filename).toBe('txt.exe');
      const dots = await uploaded(alice, Buffer.from('hello'), '...');
      expect(dots.filename).toBe('file');
    });

    it('strips EXIF and GPS from photos (the marker and the location are gone), turning them upright', async () => {
      const alice = await registerUser(t);
      const original = await jpegWithGps();
      expect(original.includes(Buffer.from(MARKER))).toBe(true);
      expect((await sharp(original).metadata()).exif).toBeDefined();
      const a = await uploaded(alice, original, 'where-i-live.jpg');
      expect(a).toMatchObject({ content_type: 'image/jpeg', width: 80, height: 60 });
      const served = (await download(a.url)).body as Buffer;
      expect(served.includes(Buffer.from(MARKER))).toBe(false);
      expect(served.includes(Buffer.from('TestCam'))).toBe(false);
      const meta = await sharp(served).metadata();
      expect(meta.exif).toBeUndefined();
      expect(meta.format).toBe('jpeg');
      const thumb = await download(a.thumbnail_url!);
      expect(thumb.headers['content-type']).toBe('image/webp');
      expect((await sharp(thumb.body as Buffer).metadata()).exif).toBeUndefined();
    });

    it('keeps files encrypted at rest: the stored object is not the plaintext and does not contain it', async () => {
      const alice = await registerUser(t);
      const plaintext = Buffer.from(`${MARKER}\n`.repeat(5000));
      const a = await uploaded(alice, plaintext, 'secret.txt');
      const sealed = stored(a.id)!;
      expect(sealed).toBeDefined();
      expect(sealed.length).toBe(sealedSize(plaintext.length));
      expect(sealed.includes(Buffer.from(MARKER))).toBe(false);
      const { rows } = await t.db.query(`SELECT filename_ciphertext, wrapped_key FROM attachments WHERE id = $1`, [a.id]);
      expect((rows[0].filename_ciphertext as Buffer).includes(Buffer.from('secret'))).toBe(false);
      expect(((await download(a.url)).body as Buffer).equals(plaintext)).toBe(true);
    });
  });

  describe('signed URLs', () => {
    it('serve the file with no Authorization header, with safe headers', async () => {
      const alice = await registerUser(t);
      const image = await uploaded(alice, await png(), 'p.png');
      const res = await download(image.url);
      expect(res.status).toBe(200);
      expect(res.headers).toMatchObject({
        'content-type': 'image/png',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
      });
      expect(res.headers['content-disposition']).toBe(`inline; filename="p.png"; filename*=UTF-8''p.png`);
      expect(res.headers['cache-control']).toMatch(/^private, max-age=\d+$/);
      expect(Number(res.headers['content-length'])).toBe((res.body as Buffer).length);
      expect((res.body as Buffer).length).toBe(image.size);

      const doc = await uploaded(alice, Buffer.from('%PDF-1.4\n%%EOF\n'), 'Prüfbericht (final).pdf');
      const pdf = await download(doc.url);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(pdf.headers['content-disposition']).toBe(`attachment; filename="Pr_fbericht (final).pdf"; filename*=UTF-8''Pr%C3%BCfbericht%20%28final%29.pdf`);
    });

    it('answer 403 once tampered with: another signature, expiry, file or variant', async () => {
      const alice = await registerUser(t);
      const a = await uploaded(alice, await png(), 'p.png');
      const other = await uploaded(alice, await png(), 'q.png');
      const url = new URL(a.url, 'http://x');
      const signature = url.searchParams.get('signature')!;
      const expires = url.searchParams.get('expires')!;
      const flipped = signature.slice(0, -1) + (signature.endsWith('A') ? 'B' : 'A');
      for (const tampered of [
        `/attachments/${a.id}/original?expires=${expires}&signature=${flipped}`,
        `/attachments/${a.id}/original?expires=${Number(expires) + 3600}&signature=${signature}`,
        `/attachments/${other.id}/original?expires=${expires}&signature=${signature}`,
        `/attachments/${a.id}/thumbnail?expires=${expires}&signature=${signature}`,
        `/attachments/${a.id}/original`,
      ]) {
        const res = await t.http().get(tampered);
        expect({ tampered, status: res.status }).toEqual({ tampered, status: 403 });
      }
    });

    it('answer 403 once expired, and GET /attachments/{id} gives fresh ones', async () => {
      const alice = await registerUser(t);
      const a = await uploaded(alice, await png(), 'p.png');
      // Signed with the deployment's key eleven minutes ago (ten minutes' validity).
      const past = new AttachmentUrls(Buffer.from(urlKey, 'utf8'), 600, () => Date.now() - 11 * 60_000);
      const expired = await t.http().get(past.sign(a.id, 'original'));
      expect(expired.status).toBe(403);
      expect(expired.body.message).toMatch(/expired/);
      const fresh = await t.http().get(`/attachments/${a.id}`).set('Authorization', alice.auth);
      expect(fresh.status).toBe(200);
      expect((await download((fresh.body as AttachmentDto).url)).status).toBe(200);
    });

    it('answer 404 for a file that does not exist (signed or not)', async () => {
      const urls = new AttachmentUrls(Buffer.from(urlKey, 'utf8'), 600);
      expect((await t.http().get(urls.sign('00000000-0000-4000-8000-000000000000', 'original'))).status).toBe(404);
    });
  });

  describe('access', () => {
    it('is the uploader’s alone until the file is sent: 404 to anyone else', async () => {
      const [alice, bob] = await Promise.all([registerUser(t), registerUser(t)]);
      const a = await uploaded(alice, await png(), 'p.png');
      expect((await t.http().get(`/attachments/${a.id}`).set('Authorization', alice.auth)).status).toBe(200);
      expect((await t.http().get(`/attachments/${a.id}`).set('Authorization', bob.auth)).status).toBe(404);
      expect((await t.http().get(`/attachments/${a.id}`)).status).toBe(401);
    });

    it('sends files with a message over REST (content may be empty); participants read them, a late joiner does not', async () => {
      const [alice, bob, carol, dave] = await Promise.all([registerUser(t), registerUser(t), registerUser(t), registerUser(t)]);
      const group = await startConversation(t, alice, [bob, dave], 'Photos');
      const first = await uploaded(alice, await png(30, 20), 'one.png');
      const second = await uploaded(alice, Buffer.from('%PDF-1.4\n%%EOF\n'), 'two.pdf');
      const res = await send(alice, group, { content: '', attachment_ids: [second.id, first.id] });
      expect(res.status).toBe(201);
      const message = res.body as MessageDto;
      expect(message.content).toBe('');
      expect(message.attachments.map((a) => [a.id, a.filename])).toEqual([
        [second.id, 'two.pdf'],
        [first.id, 'one.png'],
      ]);

      const [seen] = (await history(bob, group)).filter((m) => m.id === message.id);
      expect(seen.attachments.map((a) => a.id)).toEqual([second.id, first.id]);
      expect((await t.http().get(`/attachments/${first.id}`).set('Authorization', bob.auth)).status).toBe(200);
      expect((await download(seen.attachments[1].url)).status).toBe(200);

      // Carol joins after the message: she sees neither it nor its files.
      const added = await t.http().post(`/conversations/${group}/participants`).set('Authorization', alice.auth).send({ user_ids: [carol.id] });
      expect(added.status).toBe(200);
      expect((await history(carol, group)).some((m) => m.id === message.id)).toBe(false);
      expect((await t.http().get(`/attachments/${first.id}`).set('Authorization', carol.auth)).status).toBe(404);
      // What she is sent from now on, she reads.
      const third = await uploaded(bob, await png(), 'three.png');
      expect((await send(bob, group, { content: 'for all', attachment_ids: [third.id] })).status).toBe(201);
      expect((await t.http().get(`/attachments/${third.id}`).set('Authorization', carol.auth)).status).toBe(200);
    });

    it('answers 400 to attachment_ids that are someone else’s, already sent, unknown, repeated or too many', async () => {
      const [alice, bob] = await Promise.all([registerUser(t), registerUser(t)]);
      const chat = await startConversation(t, alice, [bob]);
      const mine = await uploaded(alice, await png(), 'p.png');
      const bobs = await uploaded(bob, await png(), 'b.png');
      const unknown = '00000000-0000-4000-8000-000000000000';
      expect((await send(alice, chat, { content: 'x', attachment_ids: [bobs.id] })).status).toBe(400);
      expect((await send(alice, chat, { content: 'x', attachment_ids: [mine.id, unknown] })).status).toBe(400);
      expect((await send(alice, chat, { content: 'x', attachment_ids: [mine.id, mine.id] })).status).toBe(400);
      expect((await send(alice, chat, { content: 'x', attachment_ids: Array.from({ length: 11 }, () => unknown) })).status).toBe(400);
      expect((await send(alice, chat, { content: '' })).status).toBe(400);
      // None of that took the file: it is sent once, then no more.
      expect((await send(alice, chat, { content: 'now', attachment_ids: [mine.id] })).status).toBe(201);
      expect((await send(alice, chat, { content: 'again', attachment_ids: [mine.id] })).status).toBe(400);
    });

    it('sends files with a message frame over WebSocket: the other participant receives them in the event', async () => {
      const [alice, bob] = await Promise.all([registerUser(t), registerUser(t)]);
      const chat = await startConversation(t, alice, [bob]);
      const a = await uploaded(alice, await png(), 'ws.png');
      const [aliceWs, bobWs] = await Promise.all([WsClient.stream(t.baseUrl, alice.token), WsClient.stream(t.baseUrl, bob.token)]);
      try {
        aliceWs.send({ type: 'message', conversation_id: chat, content: '', client_id: 'ws-1', attachment_ids: [a.id] });
        const event = await bobWs.next((f) => f.type === 'message' && f.message?.client_id === 'ws-1');
        expect(event.message.attachments).toEqual([expect.objectContaining({ id: a.id, filename: 'ws.png', content_type: 'image/png' })]);
        expect((await download(event.message.attachments[0].url)).status).toBe(200);
        const ack = await aliceWs.next((f) => f.type === 'ack' && f.client_id === 'ws-1');
        expect(ack.message.attachments[0].id).toBe(a.id);

        aliceWs.send({ type: 'message', conversation_id: chat, content: 'again', client_id: 'ws-2', attachment_ids: [a.id] });
        const error = await aliceWs.next((f) => f.type === 'error' && f.client_id === 'ws-2');
        expect(error.code).toBe('invalid_frame');
      } finally {
        await Promise.all([aliceWs.close(), bobWs.close()]);
      }
    });
  });

  describe('removal', () => {
    it('a message deleted for everyone takes its files from the database and the store', async () => {
      const [alice, bob] = await Promise.all([registerUser(t), registerUser(t)]);
      const chat = await startConversation(t, alice, [bob]);
      const a = await uploaded(alice, await png(), 'gone.png');
      expect(stored(a.id)).toBeDefined();
      expect(stored(a.id, 'thumbnail')).toBeDefined();
      const message = (await send(alice, chat, { content: 'soon gone', attachment_ids: [a.id] })).body as MessageDto;
      const res = await t.http().delete(`/conversations/${chat}/messages/${message.id}`).set('Authorization', alice.auth);
      expect(res.status).toBe(200);
      expect((res.body as MessageDto).attachments).toEqual([]);
      const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM attachments WHERE id = $1`, [a.id]);
      expect(rows[0].n).toBe(0);
      expect(stored(a.id)).toBeUndefined();
      expect(stored(a.id, 'thumbnail')).toBeUndefined();
      expect((await download(message.attachments[0].url)).status).toBe(404);
      const { rows: queued } = await t.db.query(`SELECT count(*)::int AS n FROM attachment_purges WHERE attachment_id = $1`, [a.id]);
      expect(queued[0].n).toBe(0);
    });

    it('the sweep removes uploads no message took within a day, and blobs a crash left behind', async () => {
      const alice = await registerUser(t);
      const old = await uploaded(alice, await png(), 'old.png');
      const recent = await uploaded(alice, await png(), 'recent.png');
      await t.db.query(`UPDATE attachments SET created_at = now() - interval '25 hours' WHERE id = $1`, [old.id]);
      // A crash after the row went but before its blob did: only the queue entry remains.
      const crashed = await uploaded(alice, Buffer.from('left behind'), 'crash.txt');
      await t.db.query(
        `WITH gone AS (DELETE FROM attachments WHERE id = $1 RETURNING id) INSERT INTO attachment_purges (attachment_id) SELECT id FROM gone`,
        [crashed.id],
      );
      expect(stored(crashed.id)).toBeDefined();

      await t.app.get(AttachmentsService).sweep();
      expect(stored(old.id)).toBeUndefined();
      expect(stored(crashed.id)).toBeUndefined();
      expect(stored(recent.id)).toBeDefined();
      const { rows } = await t.db.query(`SELECT id FROM attachments WHERE id = ANY($1::uuid[])`, [[old.id, recent.id, crashed.id]]);
      expect(rows.map((r) => r.id)).toEqual([recent.id]);
    });

    it('deleting an account removes the files it uploaded', async () => {
      const alice = await registerUser(t);
      const a = await uploaded(alice, await png(), 'mine.png');
      const res = await t.http().delete('/users/me').set('Authorization', alice.auth).send({ password: alice.password });
      expect(res.status).toBe(204);
      expect(stored(a.id)).toBeUndefined();
      const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM attachments WHERE uploader_id = $1`, [alice.id]);
      expect(rows[0].n).toBe(0);
    });
  });
}

describe('attachments stored in a folder (the default)', () => attachmentSuite('local'));

describe('attachments stored in an S3-compatible bucket (s3rver)', () => attachmentSuite('s3'));
