import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/**
 * An uploaded file. Its bytes live in the blob store, sealed under a key of its own
 * (`wrapped_key`, itself sealed by the content key `key_id`, as is the file name). It belongs
 * to its uploader until a message takes it (`message_id`); `claimed_for` reserves it for a
 * message being stored (see AttachmentsRepository.claim).
 */
@Entity('attachments')
@Index('attachments_message_id_idx', ['messageId'])
@Index('attachments_uploader_id_idx', ['uploaderId'])
@Index('attachments_claimed_for_idx', ['claimedFor'], { where: 'claimed_for IS NOT NULL' })
export class Attachment {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'uploader_id', type: 'uuid' })
  uploaderId!: string;

  // Named, not imported: attachments/ sits below users/ and conversations/.
  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'uploader_id', foreignKeyConstraintName: 'attachments_uploader_id_fkey' })
  uploader!: unknown;

  @Column({ name: 'message_id', type: 'uuid', nullable: true })
  messageId!: string | null;

  @ManyToOne('Message', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'message_id', foreignKeyConstraintName: 'attachments_message_id_fkey' })
  message!: unknown;

  @Column({ name: 'claimed_for', type: 'uuid', nullable: true })
  claimedFor!: string | null;

  @Column({ name: 'claimed_at', type: 'timestamptz', nullable: true })
  claimedAt!: Date | null;

  /** Its place among the message's attachments. */
  @Column({ type: 'smallint', default: 0 })
  position!: number;

  @Column({ name: 'filename_ciphertext', type: 'bytea' })
  filenameCiphertext!: Buffer;

  @Column({ name: 'wrapped_key', type: 'bytea' })
  wrappedKey!: Buffer;

  @Column({ name: 'key_id', type: 'varchar', length: 16 })
  keyId!: string;

  @Column({ name: 'content_type', type: 'varchar', length: 128 })
  contentType!: string;

  @Column({ type: 'bigint' })
  size!: string;

  @Column({ type: 'integer', nullable: true })
  width!: number | null;

  @Column({ type: 'integer', nullable: true })
  height!: number | null;

  @Column({ name: 'thumbnail_size', type: 'integer', nullable: true })
  thumbnailSize!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', default: () => "date_trunc('milliseconds', now())" })
  createdAt!: Date;
}

/**
 * Blobs to remove from the store: written in the transaction that deletes their row (or
 * before an upload writes them, as an intent cancelled once the row exists), so a crash
 * between the database and the store leaks nothing: the sweep removes what is due.
 */
@Entity('attachment_purges')
export class AttachmentPurge {
  @PrimaryColumn({ name: 'attachment_id', type: 'uuid' })
  attachmentId!: string;

  @Column({ name: 'not_before', type: 'timestamptz', default: () => 'now()' })
  notBefore!: Date;
}
