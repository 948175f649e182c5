/** The reactions one click away, as WhatsApp offers them. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const;

/** The picker behind "+": a compact set of common emoji, with no library to download. */
export const PICKER_EMOJI = [
  '😀', '😃', '😄', '😁', '😆', '😅', '🤣', '😂', '🙂', '😉', '😊', '😇', '🥰', '😍', '😘', '😋',
  '😜', '🤪', '🤔', '🤨', '😐', '🙄', '😏', '😬', '😌', '😴', '🤯', '🥳', '😎', '🤓', '😕', '😟',
  '😮', '😲', '😳', '🥺', '😢', '😭', '😱', '😡', '👍', '👎', '👏', '🙌', '🙏', '💪', '👋', '🤝',
  '❤️', '🧡', '💛', '💚', '💙', '💜', '💔', '🔥', '✨', '🎉', '💯', '✅', '❌', '👀', '☕', '🍕',
] as const;
