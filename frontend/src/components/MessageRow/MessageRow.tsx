import { useState, type Ref } from 'react';
import type { MessageActionsModel } from '../../hooks/useMessageActions';
import { nameColor } from '../../lib/colors';
import { messageActions, myReaction } from '../../lib/messageActions';
import { systemNoticeText } from '../../lib/systemNotice';
import type { DeliveryState } from '../../lib/ticks';
import type { ChatMessage } from '../../store/messages';
import { MessageBubble } from '../MessageBubble/MessageBubble';
import { MessageAttachments } from '../MessageAttachments/MessageAttachments';
import { MessageMenu } from '../MessageMenu/MessageMenu';
import { QuotedMessage } from '../QuotedMessage/QuotedMessage';
import { ReactionChips } from '../ReactionChips/ReactionChips';
import { SystemNotice } from '../SystemNotice/SystemNotice';

interface MessageRowProps {
  ref?: Ref<HTMLDivElement>;
  message: ChatMessage;
  meId: string;
  /** A user's name as the reader knows them ("You" for the reader). */
  nameOf: (userId: string) => string;
  status?: DeliveryState;
  tail: boolean;
  /** Group chats, first of a run: the sender's name above the text. */
  senderName?: string;
  query: string;
  currentHit: boolean;
  flash: boolean;
  actions: MessageActionsModel;
  /** The time the edit and delete windows are judged at. */
  now: number;
  /** A chat the user is no longer in: messages show, nothing can be done with them. */
  readOnly?: boolean;
  /** Whether the chat has a composer (replies and edits are written in it). */
  writable?: boolean;
  onRetry?: () => void;
}

/** One entry of the message log: a system notice, or a bubble with its quote, reactions and menu. */
export function MessageRow({
  ref,
  message,
  meId,
  nameOf,
  status,
  tail,
  senderName,
  query,
  currentHit,
  flash,
  actions,
  now,
  readOnly = false,
  writable = true,
  onRetry,
}: MessageRowProps) {
  const [menuOpen, setMenuOpen] = useState(false);
  if (message.kind === 'system' && message.system) return <SystemNotice text={systemNoticeText(message.system, nameOf, meId)} />;

  const mine = message.sender_id === meId;
  const available = readOnly ? null : messageActions(message, meId, now, writable);
  const quote = message.reply_to;
  return (
    <MessageBubble
      ref={ref}
      content={message.content}
      createdAt={message.created_at}
      mine={mine}
      status={status}
      tail={tail}
      senderName={senderName}
      senderColor={nameColor(message.sender_id)}
      query={query}
      currentHit={currentHit}
      flash={flash}
      error={message.error}
      onRetry={onRetry}
      edited={message.edited_at !== null && message.deleted_at === null}
      deleted={message.deleted_at !== null}
      unavailable={message.unavailable === true}
      quote={
        quote && (
          <QuotedMessage
            senderName={nameOf(quote.sender_id)}
            senderColor={nameColor(quote.sender_id)}
            preview={quote.preview}
            deleted={quote.deleted}
            onOpen={() => actions.jumpTo(quote.id)}
          />
        )
      }
      attachments={
        message.attachments.length > 0 && (
          <MessageAttachments
            attachments={message.attachments}
            previews={message.previews}
            onExpired={message.local ? undefined : () => actions.refreshAttachments(message.id)}
          />
        )
      }
      menu={
        available && (
          <MessageMenu
            actions={available}
            mine={myReaction(message, meId)}
            open={menuOpen}
            onOpenChange={setMenuOpen}
            align={mine ? 'end' : 'start'}
            onReply={() => actions.startReply(message)}
            onReact={(emoji) => actions.react(message, emoji)}
            onEdit={() => actions.startEdit(message)}
            onDelete={() => actions.askDelete(message)}
          />
        )
      }
      reactions={
        <ReactionChips
          reactions={message.reactions}
          meId={meId}
          nameOf={nameOf}
          onToggle={readOnly ? undefined : (emoji) => actions.toggleReaction(message, emoji)}
        />
      }
      onLongPress={available ? () => setMenuOpen(true) : undefined}
    />
  );
}
