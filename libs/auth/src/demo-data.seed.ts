import { Logger } from '@nestjs/common';
import { hash } from '@node-rs/argon2';
import { Role, UnitKind } from '@hotline/org';
import { DataSource } from 'typeorm';

/** Every demo user logs in with this password. Demo data only: never seed it into a production database. */
export const DEMO_PASSWORD = 'demo-12345';

interface DemoUnit {
  code: string;
  name: string;
  kind: UnitKind;
  parent: string | null;
  regionCode: string | null;
}

/** A small prefecture in the Bortala style: city → districts → bureaus and street offices, plus the centre. */
export const DEMO_UNITS: readonly DemoUnit[] = [
  { code: 'centre', name: '12345 政务服务便民热线中心', kind: UnitKind.Centre, parent: null, regionCode: '652700' },
  { code: 'management', name: '热线管理机构 (政府办公室)', kind: UnitKind.Management, parent: null, regionCode: '652700' },
  { code: 'city', name: '自治州人民政府', kind: UnitKind.City, parent: null, regionCode: '652700' },
  { code: 'city.market', name: '州市场监督管理局', kind: UnitKind.Bureau, parent: 'city', regionCode: '652700' },
  { code: 'city.housing', name: '州住房和城乡建设局', kind: UnitKind.Bureau, parent: 'city', regionCode: '652700' },
  { code: 'city.ecology', name: '州生态环境局', kind: UnitKind.Bureau, parent: 'city', regionCode: '652700' },
  { code: 'city.water', name: '州供排水公司', kind: UnitKind.Utility, parent: 'city', regionCode: '652700' },
  { code: 'bole', name: '博乐市人民政府', kind: UnitKind.District, parent: 'city', regionCode: '652701' },
  { code: 'bole.qingdeli', name: '青得里街道办事处', kind: UnitKind.Street, parent: 'bole', regionCode: '652701' },
  { code: 'bole.urban', name: '博乐市城市管理局', kind: UnitKind.Bureau, parent: 'bole', regionCode: '652701' },
  { code: 'jinghe', name: '精河县人民政府', kind: UnitKind.District, parent: 'city', regionCode: '652722' },
];

export interface DemoLogin {
  username: string;
  role: Role;
  unit: string;
  displayName: string;
}

/** One login per role (two unit handlers in different units, so unit scoping can be seen). */
export const DEMO_LOGINS: readonly DemoLogin[] = [
  { username: 'agent', role: Role.Agent, unit: 'centre', displayName: '话务员 李敏' },
  { username: 'supervisor', role: Role.Supervisor, unit: 'centre', displayName: '班长 王强' },
  { username: 'quality', role: Role.Quality, unit: 'centre', displayName: '质检员 赵静' },
  { username: 'reviewer', role: Role.Reviewer, unit: 'centre', displayName: '审核员 陈晨' },
  { username: 'admin', role: Role.Admin, unit: 'management', displayName: '系统管理员' },
  { username: 'market.handler', role: Role.UnitHandler, unit: 'city.market', displayName: '市场监管局 经办人' },
  { username: 'market.admin', role: Role.UnitAdmin, unit: 'city.market', displayName: '市场监管局 管理员' },
  { username: 'housing.handler', role: Role.UnitHandler, unit: 'city.housing', displayName: '住建局 经办人' },
  { username: 'qingdeli.handler', role: Role.UnitHandler, unit: 'bole.qingdeli', displayName: '青得里街道 经办人' },
];

/**
 * Demo units and one user per role, for `npm start` and manual testing. Idempotent: existing units and users
 * (by code / username) are left as they are, so it can run on every start. Needs the migrations applied.
 */
export async function seedDemoData(dataSource: DataSource): Promise<{ unitsCreated: number; usersCreated: number }> {
  const logger = new Logger('DemoDataSeed');
  let unitsCreated = 0;
  let usersCreated = 0;
  for (const unit of DEMO_UNITS) {
    const rows: unknown[] = await dataSource.query(
      `INSERT INTO units (code, name, kind, parent_id, region_code)
       VALUES ($1, $2, $3, (SELECT id FROM units WHERE code = $4), $5) ON CONFLICT (code) DO NOTHING RETURNING id`,
      [unit.code, unit.name, unit.kind, unit.parent, unit.regionCode],
    );
    unitsCreated += rows.length;
  }
  const passwordHash = await hash(DEMO_PASSWORD);
  for (const login of DEMO_LOGINS) {
    const rows: unknown[] = await dataSource.query(
      `INSERT INTO users (username, display_name, password_hash, roles, unit_id)
       VALUES ($1, $2, $3, $4, (SELECT id FROM units WHERE code = $5)) ON CONFLICT (username) DO NOTHING RETURNING id`,
      [login.username, login.displayName, passwordHash, [login.role], login.unit],
    );
    usersCreated += rows.length;
  }
  if (unitsCreated + usersCreated > 0) logger.log(`Demo data: ${unitsCreated} units, ${usersCreated} users (password ${DEMO_PASSWORD})`);
  return { unitsCreated, usersCreated };
}
