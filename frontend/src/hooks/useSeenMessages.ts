import { useCallback, useEffect, useRef, type RefObject } from 'react';

/** A message counts as seen once half of it is on screen (or half the screen, for a long one). */
function seen(entry: IntersectionObserverEntry): boolean {
  if (!entry.isIntersecting) return false;
  const screen = entry.rootBounds?.height ?? Infinity;
  return entry.intersectionRatio >= 0.5 || entry.intersectionRect.height >= screen / 2;
}

/** Follow the newest message only when the reader is within this distance of the bottom. */
export const NEAR_BOTTOM_PX = 160;

export function nearBottom(box: HTMLElement): boolean {
  return box.scrollHeight - box.clientHeight - box.scrollTop < NEAR_BOTTOM_PX;
}

/**
 * Which messages of the log are on screen: each bubble is watched by an IntersectionObserver
 * on the scroller, and `onSeen` gets the newest `seq` among those showing whenever that set
 * changes. Nothing is watched until `enabled` (the chat has been put where it opens: a bubble
 * that was on screen only on the way there was not seen). Without IntersectionObserver, the
 * newest message counts as seen while the log is scrolled to the bottom.
 */
export function useSeenMessages(
  root: RefObject<HTMLElement | null>,
  enabled: boolean,
  newestSeq: number | undefined,
  onSeen: (seq: number) => void,
): { watch: (node: Element | null, seq: number | undefined, key: string) => void; checkBottom: () => void } {
  const nodes = useRef(new Map<string, { node: Element; seq: number; attached: boolean }>());
  const seqOf = useRef(new Map<Element, number>());
  const showing = useRef(new Set<number>());
  const observer = useRef<IntersectionObserver | null>(null);
  const report = useRef(onSeen);
  useEffect(() => {
    report.current = onSeen;
  }, [onSeen]);

  useEffect(() => {
    const box = root.current;
    if (!enabled || !box || typeof IntersectionObserver === 'undefined') return;
    const onScreen = showing.current;
    const watching = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const seq = seqOf.current.get(entry.target);
          if (seq === undefined) continue;
          if (seen(entry)) showing.current.add(seq);
          else showing.current.delete(seq);
        }
        if (showing.current.size) report.current(Math.max(...showing.current));
      },
      { root: box, threshold: [0, 0.5, 1] },
    );
    observer.current = watching;
    for (const { node } of nodes.current.values()) watching.observe(node);
    return () => {
      watching.disconnect();
      observer.current = null;
      onScreen.clear();
    };
  }, [root, enabled]);

  const checkBottom = useCallback(() => {
    const box = root.current;
    if (enabled && box && newestSeq !== undefined && typeof IntersectionObserver === 'undefined' && nearBottom(box)) report.current(newestSeq);
  }, [root, enabled, newestSeq]);
  useEffect(checkBottom, [checkBottom]);

  // A bubble's ref is called with null and then its node again on every render: it is
  // forgotten only if it has not come back by the end of that commit.
  const watch = useCallback((node: Element | null, seq: number | undefined, key: string) => {
    const held = nodes.current.get(key);
    const forget = (entry: NonNullable<typeof held>) => {
      observer.current?.unobserve(entry.node);
      seqOf.current.delete(entry.node);
      showing.current.delete(entry.seq);
      nodes.current.delete(key);
    };
    if (!node) {
      if (!held) return;
      held.attached = false;
      queueMicrotask(() => {
        if (!held.attached && nodes.current.get(key) === held) forget(held);
      });
      return;
    }
    if (held?.node === node) {
      held.attached = true;
      return;
    }
    if (held) forget(held);
    if (seq === undefined) return;
    nodes.current.set(key, { node, seq, attached: true });
    seqOf.current.set(node, seq);
    observer.current?.observe(node);
  }, []);

  return { watch, checkBottom };
}
