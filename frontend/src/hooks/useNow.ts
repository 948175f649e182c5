import { useEffect, useState } from 'react';

/**
 * The time, as render input: read when the component mounts and again every `everyMs`, so
 * what depends on it (whether a message may still be edited) follows without a reload.
 */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
