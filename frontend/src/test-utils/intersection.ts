import { act } from '@testing-library/react';

/**
 * jsdom has no IntersectionObserver: this one records what is observed, and a test says
 * which observed elements come on screen or leave it (`show`, `hide`), as a scroll would.
 */
class FakeIntersectionObserver {
  static live = new Set<FakeIntersectionObserver>();
  readonly targets = new Set<Element>();

  constructor(private readonly callback: IntersectionObserverCallback) {
    FakeIntersectionObserver.live.add(this);
  }

  observe(target: Element): void {
    this.targets.add(target);
  }

  unobserve(target: Element): void {
    this.targets.delete(target);
  }

  disconnect(): void {
    this.targets.clear();
    FakeIntersectionObserver.live.delete(this);
  }

  takeRecords(): IntersectionObserverEntry[] {
    return [];
  }

  deliver(targets: Element[], visible: boolean): void {
    const entries = targets.map(
      (target) =>
        ({
          target,
          isIntersecting: visible,
          intersectionRatio: visible ? 1 : 0,
          intersectionRect: { height: visible ? 40 : 0 },
          rootBounds: { height: 600 },
        }) as unknown as IntersectionObserverEntry,
    );
    if (entries.length) this.callback(entries, this as unknown as IntersectionObserver);
  }
}

/** Installs the fake for one test file; `show(text)` brings the observed elements holding that text on screen. */
export function installIntersectionObserver() {
  beforeEach(() => {
    FakeIntersectionObserver.live.clear();
    globalThis.IntersectionObserver = FakeIntersectionObserver as unknown as typeof IntersectionObserver;
  });
  afterEach(() => {
    delete (globalThis as { IntersectionObserver?: unknown }).IntersectionObserver;
  });
  const change = (texts: string[], visible: boolean) =>
    act(() => {
      for (const observer of FakeIntersectionObserver.live) {
        observer.deliver(
          [...observer.targets].filter((t) => texts.some((text) => t.textContent?.includes(text))),
          visible,
        );
      }
    });
  return {
    show: (...texts: string[]) => change(texts, true),
    hide: (...texts: string[]) => change(texts, false),
    /** How many elements are being watched now. */
    watched: () => [...FakeIntersectionObserver.live].reduce((n, o) => n + o.targets.size, 0),
  };
}
