import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Category, NewCategory } from './category.entity';
import { Role } from './role.enum';
import { Unit, UnitKind } from './unit.entity';
import { User, UserWithCredentials } from './user.entity';

export interface NewUnit {
  code: string;
  name: string;
  kind: UnitKind;
  parentId: string | null;
  regionCode: string | null;
}

export interface NewUser {
  username: string;
  displayName: string;
  passwordHash: string;
  roles: Role[];
  unitId: string;
}

export abstract class OrgRepository {
  abstract units(): Promise<Unit[]>;
  abstract unitById(id: string): Promise<Unit | null>;
  abstract unitByCode(code: string): Promise<Unit | null>;
  /** Returns null when the code is taken. */
  abstract insertUnit(unit: NewUnit): Promise<Unit | null>;
  abstract users(): Promise<User[]>;
  abstract userById(id: string): Promise<User | null>;
  abstract userWithCredentials(username: string): Promise<UserWithCredentials | null>;
  /** Returns null when the username is taken. */
  abstract insertUser(user: NewUser): Promise<User | null>;
  abstract categoryById(id: string): Promise<Category | null>;
  /** Returns null when the code is taken. */
  abstract insertCategory(category: NewCategory): Promise<Category | null>;
}

interface UnitRow {
  id: string;
  code: string;
  name: string;
  kind: UnitKind;
  parent_id: string | null;
  region_code: string | null;
  active: boolean;
}

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  roles: Role[];
  unit_id: string;
  active: boolean;
  password_hash: string;
}

const UNIT_COLUMNS = 'id, code, name, kind, parent_id, region_code, active';
const USER_COLUMNS = 'id, username, display_name, roles, unit_id, active';
const CATEGORY_COLUMNS = 'id, code, name, parent_id AS "parentId"';

@Injectable()
export class PostgresOrgRepository extends OrgRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async units(): Promise<Unit[]> {
    const rows: UnitRow[] = await this.dataSource.query(`SELECT ${UNIT_COLUMNS} FROM units ORDER BY code`);
    return rows.map(toUnit);
  }

  async unitById(id: string): Promise<Unit | null> {
    const rows: UnitRow[] = await this.dataSource.query(`SELECT ${UNIT_COLUMNS} FROM units WHERE id = $1`, [id]);
    return rows[0] ? toUnit(rows[0]) : null;
  }

  async unitByCode(code: string): Promise<Unit | null> {
    const rows: UnitRow[] = await this.dataSource.query(`SELECT ${UNIT_COLUMNS} FROM units WHERE code = $1`, [code]);
    return rows[0] ? toUnit(rows[0]) : null;
  }

  async insertUnit(unit: NewUnit): Promise<Unit | null> {
    const rows: UnitRow[] = await this.dataSource.query(
      `INSERT INTO units (code, name, kind, parent_id, region_code) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (code) DO NOTHING RETURNING ${UNIT_COLUMNS}`,
      [unit.code, unit.name, unit.kind, unit.parentId, unit.regionCode],
    );
    return rows[0] ? toUnit(rows[0]) : null;
  }

  async categoryById(id: string): Promise<Category | null> {
    const rows: Category[] = await this.dataSource.query(`SELECT ${CATEGORY_COLUMNS} FROM categories WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async insertCategory(category: NewCategory): Promise<Category | null> {
    const rows: Category[] = await this.dataSource.query(
      `INSERT INTO categories (code, name, parent_id) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING RETURNING ${CATEGORY_COLUMNS}`,
      [category.code, category.name, category.parentId],
    );
    return rows[0] ?? null;
  }

  async users(): Promise<User[]> {
    const rows: UserRow[] = await this.dataSource.query(`SELECT ${USER_COLUMNS} FROM users ORDER BY username`);
    return rows.map(toUser);
  }

  async userById(id: string): Promise<User | null> {
    const rows: UserRow[] = await this.dataSource.query(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async userWithCredentials(username: string): Promise<UserWithCredentials | null> {
    const rows: UserRow[] = await this.dataSource.query(`SELECT ${USER_COLUMNS}, password_hash FROM users WHERE username = $1`, [username]);
    return rows[0] ? { ...toUser(rows[0]), passwordHash: rows[0].password_hash } : null;
  }

  async insertUser(user: NewUser): Promise<User | null> {
    const rows: UserRow[] = await this.dataSource.query(
      `INSERT INTO users (username, display_name, password_hash, roles, unit_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (username) DO NOTHING RETURNING ${USER_COLUMNS}`,
      [user.username, user.displayName, user.passwordHash, user.roles, user.unitId],
    );
    return rows[0] ? toUser(rows[0]) : null;
  }
}

function toUnit(row: UnitRow): Unit {
  return { id: row.id, code: row.code, name: row.name, kind: row.kind, parentId: row.parent_id, regionCode: row.region_code, active: row.active };
}

function toUser(row: UserRow): User {
  return { id: row.id, username: row.username, displayName: row.display_name, roles: row.roles, unitId: row.unit_id, active: row.active };
}
