import { Check, Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Conversation } from './conversation.entity';
import { Message } from './message.entity';

/**
 * A change after a message's creation (an edit, a deletion, a reaction change) or to the
 * conversation itself, at its place in the conversation's change order. It holds no
 * content: the change feed shows the message or conversation as it is when read.
 */
@Entity('conversation_changes')
@Check('conversation_changes_type_check', `type IN ('message_updated', 'message_deleted', 'conversation_updated')`)
export class ConversationChange {
  @PrimaryColumn({ name: 'conversation_id', type: 'uuid' })
  conversationId!: string;

  @PrimaryColumn({ name: 'event_seq', type: 'bigint' })
  eventSeq!: string;

  @ManyToOne(() => Conversation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'conversation_id', foreignKeyConstraintName: 'conversation_changes_conversation_id_fkey' })
  conversation!: Relation<Conversation>;

  @Column({ type: 'varchar', length: 32 })
  type!: 'message_updated' | 'message_deleted' | 'conversation_updated';

  @Column({ name: 'message_id', type: 'uuid', nullable: true })
  messageId!: string | null;

  @ManyToOne(() => Message, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'message_id', foreignKeyConstraintName: 'conversation_changes_message_id_fkey' })
  message!: Relation<Message> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', default: () => "date_trunc('milliseconds', now())" })
  createdAt!: Date;
}
