export * from './codes.js';
export * from './events.js';
export * from './frames.js';
export * from './limits.js';
export * from './objects.js';
export * from './search.js';
