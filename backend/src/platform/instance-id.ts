/** Injection token: this process's id on the event bus and in shared presence. */
export const INSTANCE_ID = Symbol('INSTANCE_ID');
