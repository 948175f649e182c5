import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { User } from '../users/user.entity';

@Entity('conversations')
@Check('conversations_direct_has_no_name', 'is_group_chat OR name IS NULL')
@Index('conversations_direct_key_key', ['directKey'], { unique: true, where: 'direct_key IS NOT NULL' })
export class Conversation {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Null for a one-on-one conversation. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  name!: string | null;

  @Column({ name: 'is_group_chat', type: 'boolean' })
  isGroupChat!: boolean;

  /**
   * For a one-on-one conversation, the two user ids in ascending order: a unique index
   * on it makes the pair's conversation exist at most once, even under concurrent creates.
   */
  @Column({ name: 'direct_key', type: 'varchar', length: 73, nullable: true })
  directKey!: string | null;

  /** Sequence number of the newest message: the per-conversation total order. */
  @Column({ name: 'last_seq', type: 'bigint', default: 0 })
  lastSeq!: string;

  /** Change number of the newest change (message, edit, deletion, reaction, membership): the change feed's head. */
  @Column({ name: 'last_event_seq', type: 'bigint', default: 0 })
  lastEventSeq!: string;

  /**
   * Counts the changes that take away someone's right to write here (a member removed or
   * gone, a block between the two of a one-on-one): a message whose check predates one is
   * checked again (MessagesRepository.append).
   */
  @Column({ name: 'access_version', type: 'bigint', default: 0 })
  accessVersion!: string;

  @Column({ name: 'last_message_at', type: 'timestamptz', nullable: true })
  lastMessageAt!: Date | null;

  /** A one-on-one whose other person deleted their account: read-only from then on. */
  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'conversations_created_by_fkey' })
  creator!: Relation<User> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', default: () => "date_trunc('milliseconds', now())" })
  createdAt!: Date;
}
