import { MigrationInterface, QueryRunner } from 'typeorm';

const STATUSES = [
  'accepted', // 已受理, waiting for dispatch
  'not_accepted', // 不予受理
  'transferred', // emergency, handed to 110/119/120/122
  'dispatched', // 已派单, waiting for the lead unit to sign
  'returned', // 退单, waiting for the centre to re-dispatch or overrule
  'in_arbitration', // 异议, the centre (or the management body) decides
  'handling', // 办理中
  'replied', // 已反馈, waiting for review
  'closed', // 办结, waiting for the rating / follow-up
  'follow_up', // 人工回访 after a dissatisfied rating
  'archived', // 归档
];

/** The top levels follow the accepted fields in the seeds (经济调节、市场监管、社会管理、公共服务、生态环境). */
const CATEGORIES: [code: string, name: string][] = [
  ['economy', '经济调节'],
  ['economy.business-environment', '营商环境'],
  ['economy.prices', '价格'],
  ['market', '市场监管'],
  ['market.consumer', '消费维权'],
  ['market.food-safety', '食品安全'],
  ['market.quality', '产品质量'],
  ['social', '社会管理'],
  ['social.public-order', '社会治安'],
  ['social.community', '社区管理'],
  ['social.traffic', '交通秩序'],
  ['public', '公共服务'],
  ['public.utilities', '水电气热'],
  ['public.transport', '公共交通'],
  ['public.education', '教育'],
  ['public.health', '医疗卫生'],
  ['public.social-security', '社会保障'],
  ['public.housing', '住房保障'],
  ['ecology', '生态环境'],
  ['ecology.pollution', '环境污染'],
  ['ecology.noise', '噪声扰民'],
  ['ecology.greening', '园林绿化'],
  ['government', '政务服务'],
  ['government.conduct', '工作作风'],
  ['government.procedures', '办事流程'],
];

const appendOnly = (table: string) => [
  `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION refuse_change_to_append_only()`,
  `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_to_append_only()`,
];

export class CreateWorkOrders1795500000002 implements MigrationInterface {
  name = 'CreateWorkOrders1795500000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string) => queryRunner.query(sql);
    // The record of what happened must survive mistakes and bad actors alike: history tables refuse changes.
    await q(`
      CREATE FUNCTION refuse_change_to_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);

    await q(`
      CREATE TABLE categories (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9-]+(\\.[a-z0-9-]+)*$'),
        name text NOT NULL,
        parent_id uuid REFERENCES categories (id),
        active boolean NOT NULL DEFAULT true
      )`);
    for (const [code, name] of CATEGORIES) {
      const parent = code.includes('.') ? code.slice(0, code.lastIndexOf('.')) : null;
      await queryRunner.query(
        `INSERT INTO categories (code, name, parent_id) VALUES ($1, $2, (SELECT id FROM categories WHERE code = $3))`,
        [code, name, parent],
      );
    }

    await q(`
      CREATE TABLE work_order_number_counters (
        day date PRIMARY KEY,
        last_value integer NOT NULL CHECK (last_value BETWEEN 1 AND 99999)
      )`);

    await q(`
      CREATE TABLE work_orders (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number text NOT NULL UNIQUE CHECK (number ~ '^[0-9]{13}$'),
        status text NOT NULL CHECK (status IN (${STATUSES.map((s) => `'${s}'`).join(', ')})),
        version integer NOT NULL DEFAULT 1 CHECK (version > 0),
        preset_code text NOT NULL,
        preset_version integer NOT NULL,
        channel text NOT NULL CHECK (channel IN ('phone', 'web', 'app', 'wechat', 'sms', 'integrated_line')),
        line_tag text CHECK (line_tag ~ '^[0-9]{3,8}$'),
        type text NOT NULL CHECK (type IN ('consultation', 'help', 'complaint', 'report', 'suggestion', 'praise')),
        caller_kind text NOT NULL CHECK (caller_kind IN ('citizen', 'enterprise')),
        category_id uuid NOT NULL REFERENCES categories (id),
        region_code text CHECK (region_code ~ '^[0-9]{6}$'),
        address text,
        subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
        content text NOT NULL CHECK (length(content) BETWEEN 1 AND 10000),
        caller_phone text NOT NULL CHECK (caller_phone ~ '^[0-9+-]{5,20}$'),
        caller_name text,
        contact_preference text NOT NULL CHECK (contact_preference IN ('phone', 'sms', 'online', 'no_contact')),
        confidential boolean NOT NULL,
        emergency_linked boolean NOT NULL DEFAULT false,
        intake_by uuid NOT NULL REFERENCES users (id),
        received_at timestamptz NOT NULL,
        lead_unit_id uuid REFERENCES units (id),
        dispatched_at timestamptz,
        dispatch_due_at timestamptz,
        sign_due_at timestamptz,
        signed_at timestamptz,
        first_contact_due_at timestamptz,
        first_contacted_at timestamptz,
        return_due_at timestamptz,
        handle_due_at timestamptz,
        handling_limit jsonb,
        replied_at timestamptz,
        closed_at timestamptz,
        archived_at timestamptz,
        extension_count integer NOT NULL DEFAULT 0,
        extended_working_days integer NOT NULL DEFAULT 0,
        send_back_count integer NOT NULL DEFAULT 0,
        reopen_count integer NOT NULL DEFAULT 0,
        return_count integer NOT NULL DEFAULT 0,
        -- The centre could not settle an objection and handed it to the management body (热线管理机构).
        arbitration_escalated boolean NOT NULL DEFAULT false,
        rating_round integer NOT NULL DEFAULT 0,
        current_rating text,
        disposition_reason text,
        disposition_note text,
        transferred_to text CHECK (transferred_to IN ('110', '119', '120', '122')),
        repeated_after_answer_of uuid REFERENCES work_orders (id),
        deadline_warnings jsonb NOT NULL DEFAULT '[]'::jsonb,
        -- Chinese has no spaces: the text is indexed as overlapping character pairs (see search-tokens.ts).
        search_tokens tsvector NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Lists are read newest first with keyset pagination on (received_at, id); filters get their own prefix.
    await q(`CREATE INDEX work_orders_received_idx ON work_orders (received_at DESC, id DESC)`);
    await q(`CREATE INDEX work_orders_status_received_idx ON work_orders (status, received_at DESC, id DESC)`);
    await q(`CREATE INDEX work_orders_unit_received_idx ON work_orders (lead_unit_id, received_at DESC, id DESC)`);
    await q(`CREATE INDEX work_orders_type_received_idx ON work_orders (type, received_at DESC, id DESC)`);
    await q(`CREATE INDEX work_orders_category_received_idx ON work_orders (category_id, received_at DESC, id DESC)`);
    await q(`CREATE INDEX work_orders_region_received_idx ON work_orders (region_code, received_at DESC, id DESC)`);
    await q(`CREATE INDEX work_orders_handle_due_idx ON work_orders (handle_due_at) WHERE status IN ('dispatched', 'handling', 'returned', 'in_arbitration')`);
    await q(`CREATE INDEX work_orders_caller_phone_idx ON work_orders (caller_phone, received_at DESC)`);
    await q(`CREATE INDEX work_orders_search_idx ON work_orders USING gin (search_tokens)`);

    await q(`
      CREATE TABLE work_order_assignments (
        id bigserial PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES work_orders (id),
        unit_id uuid NOT NULL REFERENCES units (id),
        role text NOT NULL CHECK (role IN ('lead', 'co')),
        assigned_at timestamptz NOT NULL,
        active boolean NOT NULL DEFAULT true,
        contribution text,
        contributed_at timestamptz,
        contributed_by uuid REFERENCES users (id)
      )`);
    await q(`CREATE UNIQUE INDEX work_order_assignments_active_key ON work_order_assignments (order_id, unit_id) WHERE active`);
    await q(`CREATE INDEX work_order_assignments_unit_idx ON work_order_assignments (unit_id, order_id) WHERE active`);

    await q(`
      CREATE TABLE work_order_events (
        id bigserial PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES work_orders (id),
        sequence integer NOT NULL CHECK (sequence > 0),
        type text NOT NULL,
        actor_id uuid REFERENCES users (id),
        actor_roles text[] NOT NULL DEFAULT '{}',
        occurred_at timestamptz NOT NULL,
        before jsonb,
        after jsonb,
        payload jsonb NOT NULL DEFAULT '{}'::jsonb,
        CONSTRAINT work_order_events_order_sequence_key UNIQUE (order_id, sequence)
      )`);
    for (const sql of appendOnly('work_order_events')) await q(sql);

    await q(`
      CREATE TABLE work_order_calls (
        order_id uuid NOT NULL REFERENCES work_orders (id),
        call_id uuid NOT NULL REFERENCES calls (id),
        recording_ref text,
        linked_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (order_id, call_id)
      )`);

    await q(`
      CREATE TABLE work_order_extension_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES work_orders (id),
        unit_id uuid NOT NULL REFERENCES units (id),
        requested_by uuid NOT NULL REFERENCES users (id),
        requested_at timestamptz NOT NULL,
        working_days integer NOT NULL CHECK (working_days > 0),
        reason text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
        decided_by uuid REFERENCES users (id),
        decided_at timestamptz,
        decision_note text,
        caller_notice text
      )`);
    await q(`CREATE UNIQUE INDEX work_order_extension_requests_pending_key ON work_order_extension_requests (order_id) WHERE status = 'pending'`);

    // Every rating is kept; the order's current rating is the latest round (a second rating replaces the first).
    await q(`
      CREATE TABLE work_order_ratings (
        id bigserial PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES work_orders (id),
        round integer NOT NULL CHECK (round > 0),
        handling_level text NOT NULL,
        intake_level text,
        survey_channel text NOT NULL CHECK (survey_channel IN ('manual_call', 'voice_callback', 'sms', 'online')),
        comment text,
        recorded_by uuid REFERENCES users (id),
        rated_at timestamptz NOT NULL,
        UNIQUE (order_id, round)
      )`);
    for (const sql of appendOnly('work_order_ratings')) await q(sql);

    await q(`
      CREATE TABLE work_order_supervisions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES work_orders (id),
        unit_id uuid REFERENCES units (id),
        kind text NOT NULL CHECK (kind IN ('dispatch_overdue', 'sign_overdue', 'contact_overdue', 'handle_overdue', 'repeat_report', 'manual')),
        level integer NOT NULL CHECK (level BETWEEN 1 AND 3),
        due_at timestamptz,
        reason text NOT NULL,
        created_by uuid REFERENCES users (id),
        created_at timestamptz NOT NULL
      )`);
    // A timer that fires twice (crash between work and ack) must not supervise twice.
    await q(`CREATE UNIQUE INDEX work_order_supervisions_once_key ON work_order_supervisions (order_id, kind, level, due_at) WHERE kind NOT IN ('manual', 'repeat_report')`);
    await q(`CREATE INDEX work_order_supervisions_unit_idx ON work_order_supervisions (unit_id, created_at DESC)`);

    await q(`
      CREATE TABLE work_order_notifications (
        id bigserial PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES work_orders (id),
        unit_id uuid REFERENCES units (id),
        kind text NOT NULL,
        message text NOT NULL,
        dedupe_key text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL
      )`);

    await q(`
      CREATE TABLE sensitive_read_audit (
        id bigserial PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id),
        order_id uuid NOT NULL REFERENCES work_orders (id),
        fields text[] NOT NULL,
        purpose text NOT NULL,
        read_at timestamptz NOT NULL
      )`);
    await q(`CREATE INDEX sensitive_read_audit_order_idx ON sensitive_read_audit (order_id, read_at DESC)`);
    for (const sql of appendOnly('sensitive_read_audit')) await q(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'sensitive_read_audit',
      'work_order_notifications',
      'work_order_supervisions',
      'work_order_ratings',
      'work_order_extension_requests',
      'work_order_calls',
      'work_order_events',
      'work_order_assignments',
      'work_orders',
      'work_order_number_counters',
      'categories',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
    await queryRunner.query(`DROP FUNCTION refuse_change_to_append_only()`);
  }
}
