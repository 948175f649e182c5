import { useCallback, useEffect, useState } from 'react';
import type { Message } from '../api/client';
import type { OutgoingFiles } from './useAttachmentTray';
import { sendableContent } from '../lib/text';
import { messageActions, myReaction } from '../lib/messageActions';
import { useChatSession, useMessages } from '../store/ChatSessionContext';
import type { ChatMessage } from '../store/messages';

/** How long a refusal stays on screen. */
const NOTICE_MS = 4_000;
/** How long a message the user jumped to stays highlighted. */
const FLASH_MS = 1_600;

/**
 * The open chat's view of changing messages: what the composer is doing (replying, editing),
 * the message waiting for a delete confirmation, the one jumped to, and a short notice when
 * the server refuses a change. Components render it and call its commands.
 */
export function useMessageActions(conversationId: string, meId: string) {
  const session = useChatSession();
  const items = useMessages((s) => s.threads[conversationId]?.items);
  const [replyingTo, setReplyingTo] = useState<ChatMessage | null>(null);
  const [editing, setEditing] = useState<ChatMessage | null>(null);
  const [deleting, setDeleting] = useState<ChatMessage | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [flashId, setFlashId] = useState<string | null>(null);

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);

  useEffect(() => {
    if (!flashId) return;
    const timer = setTimeout(() => setFlashId(null), FLASH_MS);
    return () => clearTimeout(timer);
  }, [flashId]);

  const attempt = useCallback((change: Promise<void>) => {
    change.catch((error: unknown) => setNotice(error instanceof Error ? error.message : 'That did not work. Try again.'));
  }, []);

  const startReply = useCallback((message: ChatMessage) => {
    setEditing(null);
    setReplyingTo(message);
  }, []);

  const startEdit = useCallback((message: ChatMessage) => {
    setReplyingTo(null);
    setEditing(message);
  }, []);

  const cancel = useCallback(() => {
    setReplyingTo(null);
    setEditing(null);
  }, []);

  /** Up arrow in an empty composer: the user's last message, if it may still be edited. */
  const editLast = useCallback((): boolean => {
    const last = [...(items ?? [])].reverse().find((m) => m.sender_id === meId && !m.local);
    if (!last || !messageActions(last, meId, Date.now())?.edit) return false;
    startEdit(last);
    return true;
  }, [items, meId, startEdit]);

  /** Enter in the composer: sends (as a reply, when replying; with the tray's files) or saves the edit. */
  const submit = useCallback(
    (text: string, files?: OutgoingFiles) => {
      if (editing) {
        setEditing(null);
        if (sendableContent(text) !== editing.content) attempt(session.edit(conversationId, editing.id, text));
        return;
      }
      session.send(conversationId, text, replyingTo ?? undefined, files);
      setReplyingTo(null);
    },
    [attempt, conversationId, editing, replyingTo, session],
  );

  /** A reaction chosen in a menu: the user's one reaction becomes this emoji. */
  const react = useCallback(
    (message: Message, emoji: string) => attempt(session.react(conversationId, message.id, emoji)),
    [attempt, conversationId, session],
  );

  /** A reaction chip clicked: takes the user's reaction back if it is this one, else reacts with it. */
  const toggleReaction = useCallback(
    (message: Message, emoji: string) =>
      attempt(
        myReaction(message, meId) === emoji ? session.unreact(conversationId, message.id) : session.react(conversationId, message.id, emoji),
      ),
    [attempt, conversationId, meId, session],
  );

  const confirmDelete = useCallback(() => {
    if (!deleting) return;
    setDeleting(null);
    if (editing?.id === deleting.id) setEditing(null);
    attempt(session.deleteMessage(conversationId, deleting.id));
  }, [attempt, conversationId, deleting, editing, session]);

  /** A reply's quote clicked: older pages load until the quoted message is there, then it is highlighted. */
  const jumpTo = useCallback(
    (messageId: string) => {
      session.loadUntil(conversationId, messageId).then(
        (found) => (found ? setFlashId(messageId) : setNotice('The original message is no longer available.')),
        () => setNotice('Could not load older messages.'),
      );
    },
    [conversationId, session],
  );

  /** A picture of a message failed to load: its links are fetched again (they expire); false when they will not be. */
  const refreshAttachments = useCallback(
    (messageId: string) => session.refreshAttachments(conversationId, messageId),
    [conversationId, session],
  );

  return {
    refreshAttachments,
    /** Shows a refusal or failure as the notice (for a few seconds). */
    notify: setNotice,
    replyingTo,
    editing,
    deleting,
    notice,
    flashId,
    startReply,
    startEdit,
    cancel,
    editLast,
    submit,
    react,
    toggleReaction,
    askDelete: setDeleting,
    cancelDelete: useCallback(() => setDeleting(null), []),
    confirmDelete,
    jumpTo,
  };
}

export type MessageActionsModel = ReturnType<typeof useMessageActions>;
