/** Commands and publishing share one connection; a subscriber needs a connection of its own. */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');
