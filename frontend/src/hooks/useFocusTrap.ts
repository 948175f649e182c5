import { useEffect, useState, type RefObject } from 'react';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), textarea:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * Keeps Tab and Shift+Tab inside `container` while it is mounted, and gives focus back to
 * whatever had it before when it goes away — the button that opened the dialog.
 */
export function useFocusTrap(container: RefObject<HTMLElement | null>): void {
  // Taken while the dialog first renders: by the time effects run, a field of the dialog with
  // autoFocus has already taken the focus from the button that opened it.
  const [opener] = useState(() => document.activeElement as HTMLElement | null);
  useEffect(() => {
    const node = container.current;
    if (!node) return;
    if (!node.contains(document.activeElement)) {
      (node.querySelector<HTMLElement>('[autofocus], ' + FOCUSABLE) ?? node).focus();
    }
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Tab') return;
      const focusable = Array.from(node.querySelectorAll<HTMLElement>(FOCUSABLE));
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (!first || !last) {
        event.preventDefault();
        return;
      }
      if (event.shiftKey && (document.activeElement === first || !node.contains(document.activeElement))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (document.activeElement === last || !node.contains(document.activeElement))) {
        event.preventDefault();
        first.focus();
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      // The opener is still on the page (not a menu item that went with its menu).
      if (opener?.isConnected) opener.focus();
    };
  }, [container, opener]);
}
