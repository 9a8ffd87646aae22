-- One task completion's writes: the instance's state under its lock version, two audit rows, a task row.
\set id random(1, 1000)
BEGIN;
UPDATE bench_instances SET state = state || jsonb_build_object('step', :id), lock_version = lock_version + 1 WHERE id = :id;
INSERT INTO bench_audit (instance_id, seq, data, hash) VALUES (:id, 1, '{"event": "task_completed"}', md5(random()::text));
INSERT INTO bench_audit (instance_id, seq, data, hash) VALUES (:id, 2, '{"event": "task_opened"}', md5(random()::text));
UPDATE bench_tasks SET status = 'completed', data = '{"note": "x"}' WHERE id = :id;
END;
