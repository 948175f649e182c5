import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { User } from '../users/user.entity';
import { Conversation } from './conversation.entity';

export type Role = 'owner' | 'admin' | 'member';

/**
 * Membership plus the member's read and delivery watermarks. A watermark is both the
 * sequence number of the newest message it covers and the time it moved; message
 * status and unread counts are derived from them, so reading a chat writes one row.
 * A member sees the conversation from where they joined (`joined_seq`, `joined_event_seq`).
 */
@Entity('participants')
@Check('participants_role_check', `role IN ('owner', 'admin', 'member')`)
@Index('participants_user_id_idx', ['userId', 'conversationId'])
@Index('participants_one_owner_key', ['conversationId'], { unique: true, where: "role = 'owner'" })
export class Participant {
  @PrimaryColumn({ name: 'conversation_id', type: 'uuid' })
  conversationId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => Conversation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'conversation_id', foreignKeyConstraintName: 'participants_conversation_id_fkey' })
  conversation!: Relation<Conversation>;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'participants_user_id_fkey' })
  user!: Relation<User>;

  @Column({ name: 'last_read_timestamp', type: 'timestamptz', nullable: true })
  lastReadTimestamp!: Date | null;

  @Column({ name: 'last_read_seq', type: 'bigint', default: 0 })
  lastReadSeq!: string;

  @Column({ name: 'last_delivered_timestamp', type: 'timestamptz', nullable: true })
  lastDeliveredTimestamp!: Date | null;

  @Column({ name: 'last_delivered_seq', type: 'bigint', default: 0 })
  lastDeliveredSeq!: string;

  /** A group's creator is its owner; a one-on-one has two members. */
  @Column({ type: 'varchar', length: 8, default: 'member' })
  role!: Role;

  /** The first message the member sees (their `member_added`; 0 for founders). */
  @Column({ name: 'joined_seq', type: 'bigint', default: 0 })
  joinedSeq!: string;

  /** The first change the member sees. */
  @Column({ name: 'joined_event_seq', type: 'bigint', default: 0 })
  joinedEventSeq!: string;

  /** The member's own settings of the chat (nobody else sees them): muted until, pinned and archived since, marked unread. */
  @Column({ name: 'muted_until', type: 'timestamptz', nullable: true })
  mutedUntil!: Date | null;

  @Column({ name: 'pinned_at', type: 'timestamptz', nullable: true })
  pinnedAt!: Date | null;

  @Column({ name: 'archived_at', type: 'timestamptz', nullable: true })
  archivedAt!: Date | null;

  @Column({ name: 'marked_unread', type: 'boolean', default: false })
  markedUnread!: boolean;

  /** +1 on every change of those settings: the newest announcement wins. */
  @Column({ name: 'settings_version', type: 'integer', default: 0 })
  settingsVersion!: number;

  @CreateDateColumn({ name: 'joined_at', type: 'timestamptz', default: () => "date_trunc('milliseconds', now())" })
  joinedAt!: Date;
}
