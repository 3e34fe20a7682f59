-- The audit head may move forward by more than one event in one update (a batch of events
-- appended together, decision 0009), but only to the last event in the log and with that
-- event's hash. Before, it moved by exactly one per update, which made a batch of n events n
-- updates of one row (on PostgreSQL a chain of n row versions inside one transaction).

DROP TRIGGER audit_head_forward_only;

CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
WHEN NEW.seq <= OLD.seq
    OR NEW.seq IS NOT (SELECT MAX(seq) FROM audit_events)
    OR NEW.hash IS NOT (SELECT hash FROM audit_events WHERE seq = NEW.seq)
BEGIN
    SELECT RAISE(ABORT, 'the audit head only moves forward, to the last event and its hash');
END;
