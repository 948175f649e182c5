import { useEffect, useRef } from 'react';

/** How long a finger rests on a message before its menu opens, as on phones. */
const LONG_PRESS_MS = 500;

/** Touch handlers that call `onLongPress` when a finger rests in place; moving or lifting it first cancels. */
export function useLongPress(onLongPress: (() => void) | undefined) {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const cancel = () => clearTimeout(timer.current);
  useEffect(() => cancel, []);
  if (!onLongPress) return {};
  return {
    onTouchStart: () => {
      cancel();
      timer.current = setTimeout(onLongPress, LONG_PRESS_MS);
    },
    onTouchMove: cancel,
    onTouchEnd: cancel,
    onTouchCancel: cancel,
  };
}
