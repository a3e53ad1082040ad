-- Follow-up marks (schema version 3): the PostgreSQL side of <index>/followup.sqlite
-- (chidao/store/followup.py). One append-only table: every "done" and "reopen" with who, when, the day
-- the task was completed, a note, the reporting document's number, and a copy of the task's document id,
-- agency and text, so that the history stays readable after its document is gone. No foreign key to
-- documents: marks outlive re-ingest, `ingest --rebuild` (which truncates the index tables, never this
-- one) and the deletion of documents. A task's current state is its latest event (highest id).

CREATE TABLE followup_history(
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('done', 'reopen')),
    "by" TEXT,
    at TIMESTAMPTZ NOT NULL,
    done_on DATE,
    note TEXT,
    doc_number TEXT,
    doc_id TEXT,
    agency TEXT,
    task TEXT
);
CREATE INDEX followup_history_task ON followup_history(task_id, id);

-- Append-only: UPDATE, DELETE and TRUNCATE are refused for every role, the table's owner included.
CREATE FUNCTION followup_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'followup_history is append-only (% refused)', TG_OP USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER followup_history_no_update BEFORE UPDATE ON followup_history
    FOR EACH ROW EXECUTE FUNCTION followup_history_append_only();
CREATE TRIGGER followup_history_no_delete BEFORE DELETE ON followup_history
    FOR EACH ROW EXECUTE FUNCTION followup_history_append_only();
CREATE TRIGGER followup_history_no_truncate BEFORE TRUNCATE ON followup_history
    FOR EACH STATEMENT EXECUTE FUNCTION followup_history_append_only();
