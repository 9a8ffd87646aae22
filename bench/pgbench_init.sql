-- Tables shaped like ours for pgbench: a ~30 KB JSONB document per instance, audit rows, task rows.
DROP TABLE IF EXISTS bench_instances, bench_audit, bench_tasks;
CREATE TABLE bench_instances (id int PRIMARY KEY, state jsonb NOT NULL, lock_version int NOT NULL);
CREATE TABLE bench_audit (id bigserial PRIMARY KEY, instance_id int, seq int, data jsonb, hash text);
CREATE TABLE bench_tasks (id int PRIMARY KEY, instance_id int, status text, data jsonb);
INSERT INTO bench_instances
SELECT g, jsonb_build_object('tasks', (SELECT jsonb_agg(jsonb_build_object('id', md5(g::text || k::text),
       'state', 64, 'data', repeat('x', 200))) FROM generate_series(1, 110) k)), 1
FROM generate_series(1, 1000) g;
INSERT INTO bench_tasks SELECT g, g, 'open', '{}' FROM generate_series(1, 1000) g;
