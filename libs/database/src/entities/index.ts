import { CallEventEntity } from './call-event.entity';
import { CallEntity } from './call.entity';

export { CallEntity, CallEventEntity };
export type { CallStatus } from './call.entity';

export const entities = [CallEntity, CallEventEntity];
