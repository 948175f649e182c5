import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AttachmentUrls } from '../attachments/attachment-urls';
import { AttachmentViews } from '../attachments/attachment-views';
import { ContentCipher } from '../platform/crypto/content-cipher';
import type { MessageView } from './messages.repository';
import { Wire } from './wire';

const KEY = randomBytes(32);

function row(id: string, content: string, cipher = new ContentCipher({ current: KEY, previous: [] })): MessageView {
  const sealed = cipher.seal(content, id);
  return {
    id,
    conversation_id: 'c1',
    seq: '1',
    event_seq: '1',
    sender_id: 'alice',
    client_id: null,
    content_ciphertext: sealed.ciphertext,
    content_key_id: sealed.keyId,
    created_at: new Date('2026-12-01T10:00:00Z'),
    kind: 'user',
    version: 1,
    edited_at: null,
    deleted_at: null,
    system: null,
    reply_to_id: null,
    reply_id: null,
    reply_sender_id: null,
    reply_ciphertext: null,
    reply_key_id: null,
    reply_deleted_at: null,
    reactions: null,
    attachments: null,
  };
}

describe('Wire.message', () => {
  const cipher = new ContentCipher({ current: KEY, previous: [] });
  const wire = new Wire(cipher, new AttachmentViews(cipher, new AttachmentUrls(randomBytes(32), 600)));
  let errors: jest.SpyInstance;
  beforeEach(() => (errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined)));
  afterEach(() => errors.mockRestore());

  it('decrypts the content, with no unavailable flag', () => {
    const message = wire.message(row('m-ok', 'hello'), 'sent');
    expect(message.content).toBe('hello');
    expect(message).not.toHaveProperty('unavailable');
  });

  it('serves a tampered ciphertext as unavailable with no content, logging it once however often it is read', () => {
    const tampered = row('m-tampered', 'hello');
    tampered.content_ciphertext![tampered.content_ciphertext!.length - 1] ^= 0xff;
    expect(wire.message(tampered, 'sent')).toMatchObject({ id: 'm-tampered', content: '', unavailable: true });
    expect(wire.message(tampered, 'read')).toMatchObject({ content: '', unavailable: true });
    expect(errors).toHaveBeenCalledTimes(1);
    expect(errors.mock.calls[0][0]).toMatch(/^message m-tampered cannot be decrypted/);
  });

  it('serves content sealed with a key that is no longer configured as unavailable', () => {
    const retired = new ContentCipher({ current: randomBytes(32), previous: [] });
    expect(wire.message(row('m-retired', 'hello', retired), 'sent')).toMatchObject({ content: '', unavailable: true });
    expect(errors.mock.calls[0][0]).toMatch(/no encryption key with id/);
  });
});
