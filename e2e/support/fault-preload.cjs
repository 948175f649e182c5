// Preloaded into a spawned backend (NODE_OPTIONS=--require) by the process_edges suite:
// signals a test sends to make the process fail the ways nobody planned for.
process.on('SIGHUP', () => {
  void Promise.reject(new Error('drill: a rejection nobody handles'));
});
process.on('SIGUSR2', () => {
  throw new Error('drill: an exception nobody catches');
});
