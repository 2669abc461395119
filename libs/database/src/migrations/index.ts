import { CreateCalls1795440000000 } from './1795440000000-create-calls';
import { CreateCallEvents1795440000001 } from './1795440000001-create-call-events';
import { CreateOrg1795500000000 } from './1795500000000-create-org';
import { CreateSla1795500000001 } from './1795500000001-create-sla';
import { CreateWorkOrders1795500000002 } from './1795500000002-create-work-orders';
import { IndexCoAssignments1795500000003 } from './1795500000003-index-co-assignments';
import { CreateRecordings1795600000000 } from './1795600000000-create-recordings';
import { CreateIvrAndLines1795600000001 } from './1795600000001-create-ivr-and-lines';
import { CreateAcd1795600000002 } from './1795600000002-create-acd';
import { CreateLoginAudit1795800000000 } from './1795800000000-create-login-audit';
import { PrunableAudit1795800000001 } from './1795800000001-prunable-audit';
import { CreateSurveys1795700000001 } from './1795700000001-create-surveys';
import { CreateRecordingAccessAudit1796108798490 } from './1796108798490-create-recording-access-audit';
import { CreateSupervision1796108913016 } from './1796108913016-create-supervision';
import { CreateCallTransfers1796108880249 } from './1796108880249-create-call-transfers';
import { CallOrderLinksAndTimelineIds1796108887398 } from './1796108887398-call-order-links-and-timeline-ids';
import { AgentStateEntryIds1796110393659 } from './1796110393659-agent-state-entry-ids';
import { AgentStateWrapUntil1796300000000 } from './1796300000000-agent-state-wrap-until';
import { TimelineBatchFunction1796300000001 } from './1796300000001-timeline-batch-function';
import { TimelineBatchRecordings1796400000000 } from './1796400000000-timeline-batch-recordings';

/** Listed explicitly, in order: a migration exists only once it is reviewed and added here. */
export const migrations = [
  CreateCalls1795440000000,
  CreateCallEvents1795440000001,
  CreateOrg1795500000000,
  CreateSla1795500000001,
  CreateWorkOrders1795500000002,
  IndexCoAssignments1795500000003,
  CreateRecordings1795600000000,
  CreateIvrAndLines1795600000001,
  CreateAcd1795600000002,
  CreateLoginAudit1795800000000,
  PrunableAudit1795800000001,
  CreateSurveys1795700000001,
  CreateRecordingAccessAudit1796108798490,
  CreateCallTransfers1796108880249,
  CallOrderLinksAndTimelineIds1796108887398,
  CreateSupervision1796108913016,
  AgentStateEntryIds1796110393659,
  AgentStateWrapUntil1796300000000,
  TimelineBatchFunction1796300000001,
  TimelineBatchRecordings1796400000000,
];
