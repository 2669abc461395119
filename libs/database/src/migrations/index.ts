import { CreateCalls1795440000000 } from './1795440000000-create-calls';
import { CreateCallEvents1795440000001 } from './1795440000001-create-call-events';
import { CreateOrg1795500000000 } from './1795500000000-create-org';
import { CreateSla1795500000001 } from './1795500000001-create-sla';
import { CreateWorkOrders1795500000002 } from './1795500000002-create-work-orders';
import { IndexCoAssignments1795500000003 } from './1795500000003-index-co-assignments';

/** Listed explicitly, in order: a migration exists only once it is reviewed and added here. */
export const migrations = [
  CreateCalls1795440000000,
  CreateCallEvents1795440000001,
  CreateOrg1795500000000,
  CreateSla1795500000001,
  CreateWorkOrders1795500000002,
  IndexCoAssignments1795500000003,
];
