#!/usr/bin/env bash
# Why were S4's updates on PostgreSQL not HOT? Runs the end-to-end bench on PostgreSQL, freezes the bench and our
# server (SIGSTOP) SECONDS into S4, reads every heap page of `resources` with pageinspect, and prints:
#   - for each visible version that was updated but not HOT: whether its successor (t_ctid) is on the same page, and
#     which columns' stored bytes differ between the two (attribute numbers; the attribute list is printed first);
#   - the pages by free space, and the free space of the pages holding those old versions.
# Then it resumes both and lets the bench finish (its own S4 figures are then perturbed by the pause).
#
#   hack/s4-hot-inspect.sh [SECONDS] [extra bench arguments...]     (default 20; log in .local/s4-hot-inspect.log)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
shift || true
mkdir -p .local
log=.local/s4-hot-inspect.log
hack/bench.sh --postgres-rows 0 --mysql-rows 0 --sqlite-rows 0 --e2e-engines postgres --output .local/s4-hot-inspect.json "$@" > "$log" 2>&1 &
bench_sh=$!
until grep -q "S4: watching" "$log" 2>/dev/null; do
  kill -0 "$bench_sh" 2>/dev/null || { echo "the bench ended before S4; see $log" >&2; exit 1; }
  sleep 0.5
done
sleep "$seconds"
bench=$(pgrep -f "Clusterpedia.Bench.dll" | head -1)
server=$(pgrep -f "Clusterpedia.ApiServer.dll" | head -1)
kill -STOP "$bench" "$server"
trap 'kill -CONT "$bench" "$server" 2>/dev/null || true' EXIT
port=$(ps -eo args | grep "[c]lusterpedia-bench-pg.*-p " | head -1 | sed 's/.* -p \([0-9]*\).*/\1/')
psql=(psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -tA)
"${psql[@]}" -c "CREATE EXTENSION IF NOT EXISTS pageinspect" > /dev/null
echo "updates, HOT updates, dead tuples: $("${psql[@]}" -c "SELECT n_tup_upd, n_tup_hot_upd, n_dead_tup FROM pg_stat_user_tables WHERE relname = 'resources'")"
echo "attributes: $("${psql[@]}" -c "SELECT string_agg(attnum || '=' || attname, ' ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'resources'::regclass AND attnum > 0 AND NOT attisdropped")"
"${psql[@]}" <<'SQL'
CREATE TEMP TABLE t AS
  SELECT blk::int, lp, t_ctid, t_infomask, t_infomask2, t_xmax, t_attrs
  FROM generate_series(0, pg_relation_size('resources') / 8192 - 1) blk,
       heap_page_item_attrs(get_raw_page('resources', blk::int), 'resources'::regclass)
  WHERE lp_flags = 1;
CREATE INDEX ON t (blk, lp);
-- updated (xmax set, not only locked: 0x80) and not HOT (0x4000), with a successor elsewhere than itself
CREATE TEMP TABLE old AS
  SELECT o.blk, o.t_attrs AS oa, n.t_attrs AS na, n.blk = o.blk AS same_page
  FROM t o JOIN t n ON n.blk = (o.t_ctid::text::point)[0]::int AND n.lp = (o.t_ctid::text::point)[1]::int
  WHERE o.t_xmax <> 0 AND (o.t_infomask & 128) = 0 AND (o.t_infomask2 & 16384) = 0 AND NOT (n.blk = o.blk AND n.lp = o.lp);
SELECT 'non-HOT pair: successor on the same page=' || same_page || ', differing attributes=' || differing || ': ' || count(*)
FROM (SELECT same_page, array(SELECT i FROM generate_subscripts(oa, 1) i WHERE oa[i] IS DISTINCT FROM na[i])::text AS differing FROM old) d
GROUP BY same_page, differing ORDER BY count(*) DESC LIMIT 15;
CREATE TEMP TABLE pg AS
  SELECT blk::int, (h).* FROM generate_series(0, pg_relation_size('resources') / 8192 - 1) blk,
       LATERAL (SELECT page_header(get_raw_page('resources', blk::int)) h) x;
SELECT 'pages with ' || (upper - lower) / 1024 || ' KB free: ' || count(*) FROM pg GROUP BY (upper - lower) / 1024 ORDER BY (upper - lower) / 1024;
SELECT 'pages of those old versions with ' || (p.upper - p.lower) / 1024 || ' KB free: ' || count(*)
FROM old o JOIN pg p ON p.blk = o.blk GROUP BY (p.upper - p.lower) / 1024 ORDER BY (p.upper - p.lower) / 1024;
SQL
kill -CONT "$bench" "$server"
trap - EXIT
wait "$bench_sh" || true
grep -h "S4: .*writes at\|HOT" "$log" || true
