import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface LoginLockoutRecord {
  scope: 'username' | 'ip';
  username: string;
  clientIp: string;
  failures: number;
  lockedUntil: Date;
  at: Date;
}

export abstract class LoginAuditRepository {
  abstract recordLockout(lockout: LoginLockoutRecord): Promise<void>;
}

/** login_audit (migration 1795800000000): append-only, pruned only after the retention window. */
@Injectable()
export class PostgresLoginAuditRepository extends LoginAuditRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async recordLockout(lockout: LoginLockoutRecord): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO login_audit (event, scope, username, client_ip, failures, locked_until, at) VALUES ('lockout', $1, $2, $3, $4, $5, $6)`,
      [lockout.scope, lockout.username, lockout.clientIp, lockout.failures, lockout.lockedUntil, lockout.at],
    );
  }
}
