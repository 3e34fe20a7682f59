-- The audit head may move forward by more than one event in one update (a batch of events
-- appended together, decision 0009), but only to the last event in the log and with that
-- event's hash. Before, it moved by exactly one per update, which made a batch of n events n
-- updates of one row: a chain of n row versions inside one transaction, each update walking it.

CREATE OR REPLACE FUNCTION los_audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
        OR NEW.seq <= OLD.seq
        OR NEW.seq IS DISTINCT FROM (SELECT MAX(seq) FROM audit_events)
        OR NEW.hash IS DISTINCT FROM (SELECT hash FROM audit_events WHERE seq = NEW.seq) THEN
        RAISE EXCEPTION 'the audit head only moves forward, to the last event and its hash';
    END IF;
    RETURN NEW;
END;
$$;
