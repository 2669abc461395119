import { CreateCalls1795440000000 } from './1795440000000-create-calls';
import { CreateCallEvents1795440000001 } from './1795440000001-create-call-events';

/** Listed explicitly, in order: a migration exists only once it is reviewed and added here. */
export const migrations = [CreateCalls1795440000000, CreateCallEvents1795440000001];
