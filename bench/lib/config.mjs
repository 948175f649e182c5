// Sizes of every part, full and quick (BENCH_QUICK=1). Every loop is bounded by a count and a time.
export const FULL = {
  mode: 'full',
  budgetMs: 9.5 * 60_000,
  throughput: {
    pairs: 250, // one-on-one: 500 users, each sending to its partner
    groups: 25,
    groupSize: 10, // 250 users, each sending to its group (9 deliveries a message)
    directSteps: [500, 1000, 2000, 4000, 6000, 8000, 10000, 12000, 14000, 16000, 18000],
    groupSteps: [400, 1200, 2400, 3200, 4000, 5000, 6000, 7000, 8000],
    stepMs: 4000,
    warmupMs: 1500,
    drainMs: 2500,
    graceMs: 250,
    contentBytes: 120,
    sectionBudgetMs: 70_000, // per setup in an interleaved run: later steps are skipped past it
  },
  compareSteps: [2000, 6000, 10000, 12000, 14000, 16000], // BENCH_COMPARE (opt-in): one-on-one steps per setup
  login: { windowMs: 5000, concurrency: 4, messageRate: 1000, rawArgonMs: 3000 },
  changes: { conversations: 50, messagesPerConversation: 4, concurrency: 8, windowMs: 5000 },
  convList: { conversations: 1000, groupShare: 0.2, groupSize: 5, maxMessages: 12, unreadShare: 0.65, requests: 200, maxMs: 20_000, naiveIterations: 12, naiveMaxMs: 10_000 },
  history: { messages: 1_000_000, apiRequests: 1000, sqlRequests: 1000, offsetRequests: 15, maxMsPerCase: 8000 },
  connections: { target: 20_000, heapProfileConnections: 1000, concurrencyPerGenerator: 100, idleWindowMs: 4000, pingIntervalMs: 5000, heartbeatWindowMs: 10_000 },
};

export const QUICK = {
  mode: 'quick',
  budgetMs: 3 * 60_000,
  throughput: {
    pairs: 20,
    groups: 3,
    groupSize: 10,
    directSteps: [200, 1000],
    groupSteps: [50, 200],
    stepMs: 1000,
    warmupMs: 300,
    drainMs: 1000,
    graceMs: 250,
    contentBytes: 120,
    sectionBudgetMs: 10_000,
  },
  compareSteps: [200, 1000],
  login: { windowMs: 1200, concurrency: 4, messageRate: 200, rawArgonMs: 600 },
  changes: { conversations: 10, messagesPerConversation: 3, concurrency: 4, windowMs: 1000 },
  convList: { conversations: 100, groupShare: 0.2, groupSize: 5, maxMessages: 6, unreadShare: 0.65, requests: 30, maxMs: 3000, naiveIterations: 3, naiveMaxMs: 2000 },
  history: { messages: 20_000, apiRequests: 40, sqlRequests: 40, offsetRequests: 5, maxMsPerCase: 1500 },
  connections: { target: 600, heapProfileConnections: 150, concurrencyPerGenerator: 50, idleWindowMs: 500, pingIntervalMs: 500, heartbeatWindowMs: 1000 },
};
