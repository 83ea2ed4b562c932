import { sql, type Kysely } from 'kysely';

// The audit log becomes tamper-evident: every entry carries its place in its org's chain
// (chain_seq), the previous entry's hash and its own hash, sha256 over the previous hash and the
// entry's columns. Entries without an org (platform actions) form the chain "platform".
//
// The hash is computed by a BEFORE INSERT trigger, so every writer (appendAudit with or without a
// transaction, the CLI, a psql session) extends the chain and none can forget to. The trigger locks
// the chain's head row in audit_chain_heads, which serialises appends per org: the lock is held
// until the appending transaction commits, so two transactions can never take the same place.
//
// `mylog audit verify` recomputes the same hash in TypeScript from the columns it reads (not with
// this function), so a superuser who edits a row and also redefines the function is still caught.
// The canonical text: each field as `<utf8 byte length>:<text>;`, or `-;` for null, in this order.
// Changing it would break every stored chain; a new format would be a new version of the text.
//
// Existing rows are chained here in id order (the append-only trigger is disabled for the update
// and re-enabled in the same transaction).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE audit_log ADD COLUMN chain_seq bigint,
            ADD COLUMN prev_hash bytea, ADD COLUMN hash bytea`.execute(db);
  await db.schema
    .createTable('audit_chain_heads')
    .addColumn('chain', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'bytea')
    .execute();

  await sql`
    CREATE FUNCTION audit_log_canonical_field(value text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE WHEN value IS NULL THEN '-;' ELSE octet_length(value)::text || ':' || value || ';' END
    $$`.execute(db);
  await sql`
    CREATE FUNCTION audit_log_entry_hash(e audit_log) RETURNS bytea
    LANGUAGE sql STABLE AS $$
      SELECT sha256(convert_to(
        'v1;' ||
        audit_log_canonical_field(encode(e.prev_hash, 'hex')) ||
        audit_log_canonical_field(e.chain_seq::text) ||
        audit_log_canonical_field(e.id::text) ||
        audit_log_canonical_field(to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')) ||
        audit_log_canonical_field(e.org_id::text) ||
        audit_log_canonical_field(e.actor_user_id::text) ||
        audit_log_canonical_field(e.actor_token_id::text) ||
        audit_log_canonical_field(e.actor_label) ||
        audit_log_canonical_field(e.action) ||
        audit_log_canonical_field(e.target_type) ||
        audit_log_canonical_field(e.target_id) ||
        audit_log_canonical_field(e.before::text) ||
        audit_log_canonical_field(e.after::text) ||
        audit_log_canonical_field(e.ip) ||
        audit_log_canonical_field(e.user_agent) ||
        audit_log_canonical_field(e.request_id),
        'UTF8'))
    $$`.execute(db);
  await sql`
    CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      chain_key text := coalesce(NEW.org_id::text, 'platform');
      head record;
    BEGIN
      INSERT INTO audit_chain_heads (chain, seq, hash) VALUES (chain_key, 0, NULL)
        ON CONFLICT (chain) DO NOTHING;
      SELECT seq, hash INTO head FROM audit_chain_heads WHERE chain = chain_key FOR UPDATE;
      NEW.chain_seq := head.seq + 1;
      NEW.prev_hash := head.hash;
      NEW.hash := audit_log_entry_hash(NEW);
      UPDATE audit_chain_heads SET seq = NEW.chain_seq, hash = NEW.hash WHERE chain = chain_key;
      RETURN NEW;
    END $$`.execute(db);

  // Existing rows, oldest first, through the same trigger function's logic.
  await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete`.execute(db);
  await sql`
    DO $$
    DECLARE
      r audit_log;
      chain_key text;
      head record;
    BEGIN
      FOR r IN SELECT * FROM audit_log ORDER BY id LOOP
        chain_key := coalesce(r.org_id::text, 'platform');
        INSERT INTO audit_chain_heads (chain, seq, hash) VALUES (chain_key, 0, NULL)
          ON CONFLICT (chain) DO NOTHING;
        SELECT seq, hash INTO head FROM audit_chain_heads WHERE chain = chain_key;
        r.chain_seq := head.seq + 1;
        r.prev_hash := head.hash;
        r.hash := audit_log_entry_hash(r);
        UPDATE audit_log SET chain_seq = r.chain_seq, prev_hash = r.prev_hash, hash = r.hash
          WHERE id = r.id;
        UPDATE audit_chain_heads SET seq = r.chain_seq, hash = r.hash WHERE chain = chain_key;
      END LOOP;
    END $$`.execute(db);
  await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete`.execute(db);

  await sql`ALTER TABLE audit_log ALTER COLUMN chain_seq SET NOT NULL,
            ALTER COLUMN hash SET NOT NULL`.execute(db);
  await sql`
    CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_chain()`.execute(db);
  // verify walks each chain in order; the export and the page read by time as before.
  await sql`CREATE UNIQUE INDEX audit_log_chain_order
            ON audit_log ((coalesce(org_id::text, 'platform')), chain_seq)`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER audit_log_chain ON audit_log`.execute(db);
  await sql`DROP FUNCTION audit_log_chain()`.execute(db);
  await sql`DROP FUNCTION audit_log_entry_hash(audit_log)`.execute(db);
  await sql`DROP FUNCTION audit_log_canonical_field(text)`.execute(db);
  await db.schema.dropTable('audit_chain_heads').execute();
  await sql`ALTER TABLE audit_log DROP COLUMN chain_seq, DROP COLUMN prev_hash, DROP COLUMN hash`.execute(
    db,
  );
}
