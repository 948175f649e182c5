import { useEffect } from 'react';

/** Calls `onAttention` whenever the tab becomes visible or gains focus (to mark the open chat read). */
export function useOnAttention(onAttention: () => void): void {
  useEffect(() => {
    const handler = () => {
      if (document.visibilityState === 'visible') onAttention();
    };
    window.addEventListener('focus', handler);
    document.addEventListener('visibilitychange', handler);
    return () => {
      window.removeEventListener('focus', handler);
      document.removeEventListener('visibilitychange', handler);
    };
  }, [onAttention]);
}
