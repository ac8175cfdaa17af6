#!/bin/sh
# The case benchmark (issue 4, "Speed"): generate BENCH_SCALE cases on each backend, serve, measure, report.
#   BENCH_SCALE=1000000  BENCH_BACKENDS="postgresql sqlite"  BENCH_REUSE=1 (keep a database of the same scale)
#   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432 (server; the database "tipsom_bench" is dropped and recreated)
# The referral benchmark (issue 5) follows: BENCH_REFERRALS referrals (default 1000000; a tenth as many
# organizations, a fifth as many cases) in "tipsom_bench_referrals" and bench/var/referrals/sqlite/.
# A caseworker's day (issue 11, bench/run_home.py) is measured on the case benchmark's database: the home pages,
# the Tasks page and API, and name and case-number search; results in home.json and home.md.
# The criminal justice benchmark (issue 12, bench/run_justice.py): BENCH_JUSTICE offences (default BENCH_SCALE;
# about 2.5 per criminal case) in "tipsom_bench_justice" and bench/var/justice/sqlite/; results in justice.json.
# The interactive matching check (issue 13, bench/run_match_check.py): BENCH_MATCH persons (default BENCH_SCALE) with
# their match keys in "tipsom_bench_matching" and bench/var/matching/check/sqlite/; results in matching_check.json.
# The batch deduplication (issue 13, bench/run_matching.py): quality and time on the labelled cross-script list of
# bench/generate_matching.py at 100,000 and BENCH_SCALE records, and on FEBRL4, with Splink and the exact keys as
# references; no database; results in matching.json and matching.md.
# The helpline benchmark (issue 14, bench/run_helpline.py): BENCH_HELPLINE contacts (default BENCH_SCALE) in
# "tipsom_bench_helpline" and bench/var/helpline/sqlite/; the queue and contact list pages; results in helpline.json.
# The imports (issue 14, bench/intake_registers.py and bench/intake_submissions.py): 10,000 and 100,000 rows; results
# in intake_registers.json, intake_submissions.json, and with the helpline's in intake.json (bench/intake_results.py).
# The statistics benchmark (issue 15, bench/run_stats.py): BENCH_SCALE victim cases with BENCH_STATS_REFERRALS
# referrals, BENCH_STATS_JUSTICE offences and BENCH_STATS_HELPLINE contacts (default a fifth of BENCH_SCALE each) and bench/generate_stats.py's merged and confirmed duplicates, all in "tipsom_bench_stats" and
# bench/var/stats/sqlite/; the facts' rebuild and refresh, the dashboard panels and GLOTIP tables against DuckDB, the
# CTDC and synthetic exports; results in stats.json and stats.md.
# The programme benchmark (issue 16, bench/run_programme.py): BENCH_PROGRAMME (default BENCH_SCALE / 1,000,000) of
# 100,000 activities, 2,000,000 attendances and 1,000,000 victim facts in "tipsom_bench_programme" and
# bench/var/programme/sqlite/; the results framework, the impact view and the donor report; results in programme.json.
#   BENCH_SUITES="cases home referrals justice match_check matching helpline intake stats programme" (any of them; "home" alone
#   generates the case database if needed)
set -eu
cd "$(dirname "$0")/.."
SCALE=${BENCH_SCALE:-1000000}
BACKENDS=${BENCH_BACKENDS:-postgresql sqlite}
PG=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
BIN=$PWD/.venv/bin
VAR=$PWD/bench/var
export TIPSOM_KEYRING_FILE="$VAR/keyring.json"
export TIPSOM_ENV=development
SUITES=${BENCH_SUITES:-cases home referrals justice match_check matching helpline intake stats programme}
has() { case " $SUITES " in *" $1 "*) return 0 ;; esac; return 1; }

# PostgreSQL's stock random_page_cost (4) prices a random page read as a disk seek; with the data in memory or on
# SSDs (this machine, and any deployment of tipsom: docs/admin/deployment.md) 1.1 is the usual setting. With 4 the
# planner walks the whole primary key for the citizenship filter at 1,000,000 cases (18 ms instead of 1.6 ms).
pg_tune() {
    "$BIN/python" - "$PG" "$1" <<'PY'
import sys, psycopg
with psycopg.connect(sys.argv[1] + "/postgres", autocommit=True) as db:
    db.execute(f"ALTER DATABASE {sys.argv[2]} SET random_page_cost = 1.1")
PY
}

if has cases || has home; then
for backend in $BACKENDS; do
    mkdir -p "$VAR/$backend"
    export TIPSOM_VAR_DIR="$VAR/$backend"
    case $backend in
        postgresql) export TIPSOM_DATABASE_URL="$PG/tipsom_bench" ;;
        sqlite) export TIPSOM_DATABASE_URL="sqlite:///$VAR/sqlite/tipsom.sqlite3" ;;
        *) echo "unknown backend $backend (postgresql, sqlite)" >&2; exit 2 ;;
    esac
    fixture="$VAR/$backend/fixture.json"
    if [ "${BENCH_REUSE:-0}" = 1 ] && [ -f "$fixture" ] && \
        "$BIN/python" -c "import json,sys; sys.exit(json.load(open('$fixture'))['scale'] != $SCALE)"; then
        echo "== $backend: reusing the generated database ($SCALE cases)"
        "$BIN/tipsom" migrate --noinput >/dev/null  # code changed since it was generated: its migrations too
        "$BIN/tipsom" createcachetable
    else
        echo "== $backend: fresh database, $SCALE cases"
        rm -f "$fixture"
        if [ "$backend" = postgresql ]; then
            "$BIN/python" - "$PG" <<'PY'
import sys, psycopg
with psycopg.connect(sys.argv[1] + "/postgres", autocommit=True) as db:
    db.execute("DROP DATABASE IF EXISTS tipsom_bench WITH (FORCE)")
    db.execute("CREATE DATABASE tipsom_bench")
PY
        else
            rm -f "$VAR/sqlite/tipsom.sqlite3" "$VAR/sqlite/tipsom.sqlite3-wal" "$VAR/sqlite/tipsom.sqlite3-shm"
        fi
        "$BIN/tipsom" keys init
        "$BIN/tipsom" migrate --noinput >/dev/null
        "$BIN/tipsom" createcachetable  # the shared cache (throttles, lockout counters) lives in the database
        "$BIN/python" bench/generate_cases.py --scale "$SCALE" --fixture "$fixture"
    fi
    [ "${BENCH_GENERATE_ONLY:-0}" = 1 ] && continue
    [ "$backend" = postgresql ] && pg_tune tipsom_bench
    "$BIN/tipsom" collectstatic --noinput --verbosity 0  # the HTML page scenarios serve the hashed static files
    if has cases; then
        "$BIN/python" bench/run_cases.py measure --fixture "$fixture" --out "$VAR/$backend/run.json"
    fi
    if has home; then
        "$BIN/python" bench/run_home.py measure --fixture "$fixture" --out "$VAR/$backend/home.json"
    fi
done

if [ "${BENCH_GENERATE_ONLY:-0}" != 1 ]; then
# The committed results are those of the full scale; a quick check writes under bench/var/.
if [ "$SCALE" = 1000000 ]; then RESULTS=bench/results; else RESULTS=$VAR/results; fi
mkdir -p "$RESULTS"
if has cases; then
    "$BIN/python" bench/run_cases.py report --scale "$SCALE" "$VAR/postgresql/run.json" "$VAR/sqlite/run.json" \
        --json "$RESULTS/cases.json" --md "$RESULTS/cases.md"
fi
if has home; then
    "$BIN/python" bench/run_home.py report "$VAR/postgresql/home.json" "$VAR/sqlite/home.json" \
        --json "$RESULTS/home.json" --md "$RESULTS/home.md"
fi
fi
fi

# --- The criminal justice benchmark (issue 12): the criminal case list API and the year's GLOTIP counts ---------
if has justice; then
JUSTICE=${BENCH_JUSTICE:-$SCALE}
for backend in $BACKENDS; do
    dir="$VAR/justice/$backend"
    mkdir -p "$dir"
    export TIPSOM_VAR_DIR="$dir"
    case $backend in
        postgresql) export TIPSOM_DATABASE_URL="$PG/tipsom_bench_justice" ;;
        sqlite) export TIPSOM_DATABASE_URL="sqlite:///$dir/tipsom.sqlite3" ;;
        *) echo "unknown backend $backend (postgresql, sqlite)" >&2; exit 2 ;;
    esac
    fixture="$dir/fixture.json"
    if [ "${BENCH_REUSE:-0}" = 1 ] && [ -f "$fixture" ] && \
        "$BIN/python" -c "import json,sys; sys.exit(json.load(open('$fixture'))['scale'] != $JUSTICE)"; then
        echo "== justice, $backend: reusing the generated database ($JUSTICE offences)"
        "$BIN/tipsom" migrate --noinput >/dev/null
        "$BIN/tipsom" createcachetable
    else
        echo "== justice, $backend: fresh database, $JUSTICE offences"
        rm -f "$fixture"
        if [ "$backend" = postgresql ]; then
            "$BIN/python" - "$PG" <<'PY'
import sys, psycopg
with psycopg.connect(sys.argv[1] + "/postgres", autocommit=True) as db:
    db.execute("DROP DATABASE IF EXISTS tipsom_bench_justice WITH (FORCE)")
    db.execute("CREATE DATABASE tipsom_bench_justice")
PY
        else
            rm -f "$dir/tipsom.sqlite3" "$dir/tipsom.sqlite3-wal" "$dir/tipsom.sqlite3-shm"
        fi
        "$BIN/tipsom" keys init
        "$BIN/tipsom" migrate --noinput >/dev/null
        "$BIN/tipsom" createcachetable
        "$BIN/python" bench/generate_justice.py --scale "$JUSTICE" --fixture "$fixture"
    fi
    [ "${BENCH_GENERATE_ONLY:-0}" = 1 ] && continue
    [ "$backend" = postgresql ] && pg_tune tipsom_bench_justice
    "$BIN/python" bench/run_justice.py measure --fixture "$fixture" --out "$dir/run.json"
done

if [ "${BENCH_GENERATE_ONLY:-0}" != 1 ]; then
if [ "$JUSTICE" = 1000000 ]; then RESULTS=bench/results; else RESULTS=$VAR/results; fi
mkdir -p "$RESULTS"
"$BIN/python" bench/run_justice.py report "$VAR/justice/postgresql/run.json" "$VAR/justice/sqlite/run.json" \
    --json "$RESULTS/justice.json" --md "$RESULTS/justice.md"
fi
fi

# --- The interactive matching check (issue 13): POST /api/v1/persons/match/ against BENCH_MATCH persons ---------
# (default BENCH_SCALE) in "tipsom_bench_matching" and bench/var/matching/check/sqlite/; results in matching_check.*
if has match_check; then
MATCH=${BENCH_MATCH:-$SCALE}
for backend in $BACKENDS; do
    dir="$VAR/matching/check/$backend"
    mkdir -p "$dir"
    export TIPSOM_VAR_DIR="$dir"
    case $backend in
        postgresql) export TIPSOM_DATABASE_URL="$PG/tipsom_bench_matching" ;;
        sqlite) export TIPSOM_DATABASE_URL="sqlite:///$dir/tipsom.sqlite3" ;;
        *) echo "unknown backend $backend (postgresql, sqlite)" >&2; exit 2 ;;
    esac
    fixture="$dir/fixture.json"
    if [ "${BENCH_REUSE:-0}" = 1 ] && [ -f "$fixture" ] && \
        "$BIN/python" -c "import json,sys; sys.exit(json.load(open('$fixture'))['scale'] != $MATCH)"; then
        echo "== match check, $backend: reusing the generated database ($MATCH persons)"
        "$BIN/tipsom" migrate --noinput >/dev/null
        # The names module changed since? Then the keys are written again, as the server will key the queries.
        "$BIN/python" bench/generate_match_registry.py --rekey --fixture "$fixture"
    else
        echo "== match check, $backend: fresh database, $MATCH persons"
        rm -f "$fixture" "$dir/tipsom.sqlite3" "$dir/tipsom.sqlite3-wal" "$dir/tipsom.sqlite3-shm"
        [ "$backend" = postgresql ] && "$BIN/python" - "$PG" <<'PY'
import sys, psycopg
with psycopg.connect(sys.argv[1] + "/postgres", autocommit=True) as db:
    db.execute("DROP DATABASE IF EXISTS tipsom_bench_matching WITH (FORCE)")
    db.execute("CREATE DATABASE tipsom_bench_matching")
PY
        "$BIN/tipsom" keys init
        "$BIN/tipsom" migrate --noinput >/dev/null
        "$BIN/python" bench/generate_match_registry.py --scale "$MATCH" --fixture "$fixture"
    fi
    "$BIN/tipsom" createcachetable
    [ "${BENCH_GENERATE_ONLY:-0}" = 1 ] && continue
    [ "$backend" = postgresql ] && pg_tune tipsom_bench_matching
    "$BIN/python" bench/run_match_check.py measure --fixture "$fixture" --out "$dir/run.json"
done
if [ "${BENCH_GENERATE_ONLY:-0}" != 1 ]; then
    if [ "$MATCH" = 1000000 ]; then RESULTS=bench/results; else RESULTS=$VAR/results; fi
    mkdir -p "$RESULTS"
    "$BIN/python" bench/run_match_check.py report "$VAR/matching/check/postgresql/run.json" \
        "$VAR/matching/check/sqlite/run.json" --json "$RESULTS/matching_check.json" --md "$RESULTS/matching_check.md"
fi
fi

# --- The batch deduplication (issue 13): tipsom match dedupe's quality and time, FEBRL4, the references ----------
if has matching && [ "${BENCH_GENERATE_ONLY:-0}" != 1 ]; then
    if [ "$SCALE" = 1000000 ]; then SIZES="100000 1000000"; RESULTS=bench/results; else SIZES=$SCALE; RESULTS=$VAR/results; fi
    echo "== matching: batch deduplication at $SIZES records, and FEBRL4"
    # shellcheck disable=SC2086
    "$BIN/python" bench/run_matching.py all --sizes $SIZES --out-dir "$RESULTS"
fi

# --- The helpline benchmark (issue 14): the queue and the contact list pages --------------------------------------
# BENCH_HELPLINE contacts (default BENCH_SCALE) in "tipsom_bench_helpline" and bench/var/helpline/sqlite/; results in
# helpline.json and helpline.md.
if has helpline; then
HELPLINE=${BENCH_HELPLINE:-$SCALE}
for backend in $BACKENDS; do
    dir="$VAR/helpline/$backend"
    mkdir -p "$dir"
    export TIPSOM_VAR_DIR="$dir"
    case $backend in
        postgresql) export TIPSOM_DATABASE_URL="$PG/tipsom_bench_helpline" ;;
        sqlite) export TIPSOM_DATABASE_URL="sqlite:///$dir/tipsom.sqlite3" ;;
        *) echo "unknown backend $backend (postgresql, sqlite)" >&2; exit 2 ;;
    esac
    fixture="$dir/fixture.json"
    if [ "${BENCH_REUSE:-0}" = 1 ] && [ -f "$fixture" ] && \
        "$BIN/python" -c "import json,sys; sys.exit(json.load(open('$fixture'))['scale'] != $HELPLINE)"; then
        echo "== helpline, $backend: reusing the generated database ($HELPLINE contacts)"
        "$BIN/tipsom" migrate --noinput >/dev/null
    else
        echo "== helpline, $backend: fresh database, $HELPLINE contacts"
        rm -f "$fixture" "$dir/tipsom.sqlite3" "$dir/tipsom.sqlite3-wal" "$dir/tipsom.sqlite3-shm"
        [ "$backend" = postgresql ] && "$BIN/python" - "$PG" <<'PY'
import sys, psycopg
with psycopg.connect(sys.argv[1] + "/postgres", autocommit=True) as db:
    db.execute("DROP DATABASE IF EXISTS tipsom_bench_helpline WITH (FORCE)")
    db.execute("CREATE DATABASE tipsom_bench_helpline")
PY
        "$BIN/tipsom" keys init
        "$BIN/tipsom" migrate --noinput >/dev/null
        "$BIN/python" bench/generate_helpline.py --scale "$HELPLINE" --fixture "$fixture"
    fi
    "$BIN/tipsom" createcachetable
    [ "${BENCH_GENERATE_ONLY:-0}" = 1 ] && continue
    [ "$backend" = postgresql ] && pg_tune tipsom_bench_helpline
    "$BIN/tipsom" collectstatic --noinput --verbosity 0  # the pages serve the hashed static files
    "$BIN/python" bench/run_helpline.py measure --fixture "$fixture" --out "$dir/run.json"
done
if [ "${BENCH_GENERATE_ONLY:-0}" != 1 ]; then
    if [ "$HELPLINE" = 1000000 ]; then RESULTS=bench/results; else RESULTS=$VAR/results; fi
    mkdir -p "$RESULTS"
    "$BIN/python" bench/run_helpline.py report "$VAR/helpline/postgresql/run.json" "$VAR/helpline/sqlite/run.json" \
        --json "$RESULTS/helpline.json" --md "$RESULTS/helpline.md"
fi
fi

# --- The imports (issue 14): registers and field submissions, 10,000 and 100,000 rows each; then intake.json -------
# Each script makes its own databases ("tipsom_bench_intake", bench/var/intake/) and writes its results; intake.json
# gathers them with the helpline's (bench/intake_results.py).
if has intake; then
    "$BIN/python" bench/intake_registers.py --backends "$BACKENDS"
    "$BIN/python" bench/intake_submissions.py --backends "$(echo "$BACKENDS" | tr ' ' ',')"
    "$BIN/python" bench/intake_results.py
fi

# --- The statistics benchmark (issue 15): facts, dashboard panels, GLOTIP, CTDC and synthetic exports ------------
# One database holds all the sources the facts are built from: the cases, their referrals, the justice database and
# the helpline, from the other benchmarks' generators at their default volumes, then generate_stats.py's duplicates.
if has stats; then
# A fifth of the cases each by default (200,000 at the full scale): the facts' rebuild of each kind takes minutes per
# 100,000 rows on 2 cores, and the measured run has to end within the hour (README, statistics).
STATS_REFERRALS=${BENCH_STATS_REFERRALS:-$((SCALE / 5))}
STATS_JUSTICE=${BENCH_STATS_JUSTICE:-$((SCALE / 5))}
STATS_HELPLINE=${BENCH_STATS_HELPLINE:-$((SCALE / 5))}
for backend in $BACKENDS; do
    dir="$VAR/stats/$backend"
    mkdir -p "$dir"
    export TIPSOM_VAR_DIR="$dir"
    case $backend in
        postgresql) export TIPSOM_DATABASE_URL="$PG/tipsom_bench_stats" ;;
        sqlite) export TIPSOM_DATABASE_URL="sqlite:///$dir/tipsom.sqlite3" ;;
        *) echo "unknown backend $backend (postgresql, sqlite)" >&2; exit 2 ;;
    esac
    fixture="$dir/fixture.json"
    if [ "${BENCH_REUSE:-0}" = 1 ] && [ -f "$fixture" ] && \
        "$BIN/python" -c "import json,sys; sys.exit(json.load(open('$fixture'))['scale'] != $SCALE)"; then
        echo "== stats, $backend: reusing the generated database ($SCALE cases)"
        "$BIN/tipsom" migrate --noinput >/dev/null
    else
        echo "== stats, $backend: fresh database, $SCALE cases, $STATS_REFERRALS referrals, $STATS_JUSTICE offences, $STATS_HELPLINE contacts"
        rm -f "$dir"/*fixture.json "$dir/tipsom.sqlite3" "$dir/tipsom.sqlite3-wal" "$dir/tipsom.sqlite3-shm"
        [ "$backend" = postgresql ] && "$BIN/python" - "$PG" <<'PY'
import sys, psycopg
with psycopg.connect(sys.argv[1] + "/postgres", autocommit=True) as db:
    db.execute("DROP DATABASE IF EXISTS tipsom_bench_stats WITH (FORCE)")
    db.execute("CREATE DATABASE tipsom_bench_stats")
PY
        "$BIN/tipsom" keys init
        "$BIN/tipsom" migrate --noinput >/dev/null
        # "generate_stats.py run": the generator, with a default for each column added to a model since it was written.
        "$BIN/python" bench/generate_stats.py run generate_cases --scale "$SCALE" --fixture "$dir/cases-fixture.json"
        # generate_referrals.py finds the cases made and their fixture (cases-fixture.json beside its own).
        "$BIN/python" bench/generate_stats.py run generate_referrals --referrals "$STATS_REFERRALS" \
            --fixture "$dir/referrals-fixture.json"
        "$BIN/python" bench/generate_justice.py --scale "$STATS_JUSTICE" --fixture "$dir/justice-fixture.json"
        "$BIN/python" bench/generate_stats.py run generate_helpline --scale "$STATS_HELPLINE" \
            --fixture "$dir/helpline-fixture.json"
        "$BIN/python" bench/generate_stats.py --dir "$dir"
    fi
    "$BIN/tipsom" createcachetable
    [ "${BENCH_GENERATE_ONLY:-0}" = 1 ] && continue
    [ "$backend" = postgresql ] && pg_tune tipsom_bench_stats
    "$BIN/tipsom" collectstatic --noinput --verbosity 0  # the dashboard page serves the hashed static files
    "$BIN/python" bench/run_stats.py measure --fixture "$fixture" --out "$dir/run.json"
done
if [ "${BENCH_GENERATE_ONLY:-0}" != 1 ]; then
    if [ "$SCALE" = 1000000 ]; then RESULTS=bench/results; else RESULTS=$VAR/results; fi
    mkdir -p "$RESULTS"
    "$BIN/python" bench/run_stats.py report "$VAR/stats/postgresql/run.json" "$VAR/stats/sqlite/run.json" \
        --json "$RESULTS/stats.json" --md "$RESULTS/stats.md"
fi
fi

# --- The programme benchmark (issue 16): the results framework, the impact view and the donor report --------------
if has programme; then
PROGRAMME=${BENCH_PROGRAMME:-$(awk "BEGIN { print $SCALE / 1000000 }")}
for backend in $BACKENDS; do
    dir="$VAR/programme/$backend"
    mkdir -p "$dir"
    export TIPSOM_VAR_DIR="$dir"
    case $backend in
        postgresql) export TIPSOM_DATABASE_URL="$PG/tipsom_bench_programme" ;;
        sqlite) export TIPSOM_DATABASE_URL="sqlite:///$dir/tipsom.sqlite3" ;;
        *) echo "unknown backend $backend (postgresql, sqlite)" >&2; exit 2 ;;
    esac
    fixture="$dir/fixture.json"
    if [ "${BENCH_REUSE:-0}" = 1 ] && [ -f "$fixture" ] && \
        "$BIN/python" -c "import json,sys; sys.exit(json.load(open('$fixture'))['scale'] != $PROGRAMME)"; then
        echo "== programme, $backend: reusing the generated database (scale $PROGRAMME)"
        "$BIN/tipsom" migrate --noinput >/dev/null
    else
        echo "== programme, $backend: fresh database, scale $PROGRAMME"
        rm -f "$fixture" "$dir/tipsom.sqlite3" "$dir/tipsom.sqlite3-wal" "$dir/tipsom.sqlite3-shm"
        [ "$backend" = postgresql ] && "$BIN/python" - "$PG" <<'PY'
import sys, psycopg
with psycopg.connect(sys.argv[1] + "/postgres", autocommit=True) as db:
    db.execute("DROP DATABASE IF EXISTS tipsom_bench_programme WITH (FORCE)")
    db.execute("CREATE DATABASE tipsom_bench_programme")
PY
        "$BIN/tipsom" keys init
        "$BIN/tipsom" migrate --noinput >/dev/null
        "$BIN/python" bench/generate_programme.py --scale "$PROGRAMME" --fixture "$fixture"
    fi
    "$BIN/tipsom" createcachetable
    [ "${BENCH_GENERATE_ONLY:-0}" = 1 ] && continue
    [ "$backend" = postgresql ] && pg_tune tipsom_bench_programme
    "$BIN/tipsom" collectstatic --noinput --verbosity 0  # the pages serve the hashed static files
    "$BIN/python" bench/run_programme.py measure --fixture "$fixture" --out "$dir/run.json"
done
if [ "${BENCH_GENERATE_ONLY:-0}" != 1 ]; then
    if [ "$PROGRAMME" = 1 ]; then RESULTS=bench/results; else RESULTS=$VAR/results; fi
    mkdir -p "$RESULTS"
    "$BIN/python" bench/run_programme.py report "$VAR/programme/postgresql/run.json" \
        "$VAR/programme/sqlite/run.json" --json "$RESULTS/programme.json" --md "$RESULTS/programme.md"
fi
fi

# --- The referral benchmark (issue 5): the inbox and the service directory ---------------------------------------
has referrals || exit 0
REFERRALS=${BENCH_REFERRALS:-1000000}
for backend in $BACKENDS; do
    dir="$VAR/referrals/$backend"
    mkdir -p "$dir"
    export TIPSOM_VAR_DIR="$dir"
    case $backend in
        postgresql) export TIPSOM_DATABASE_URL="$PG/tipsom_bench_referrals" ;;
        sqlite) export TIPSOM_DATABASE_URL="sqlite:///$dir/tipsom.sqlite3" ;;
        *) echo "unknown backend $backend (postgresql, sqlite)" >&2; exit 2 ;;
    esac
    fixture="$dir/fixture.json"
    if [ "${BENCH_REUSE:-0}" = 1 ] && [ -f "$fixture" ] && \
        "$BIN/python" -c "import json,sys; sys.exit(json.load(open('$fixture'))['scale'] != $REFERRALS)"; then
        echo "== referrals, $backend: reusing the generated database ($REFERRALS referrals)"
        "$BIN/tipsom" migrate --noinput >/dev/null
        "$BIN/tipsom" createcachetable
    else
        echo "== referrals, $backend: fresh database, $REFERRALS referrals"
        rm -f "$fixture" "$dir/cases-fixture.json"
        if [ "$backend" = postgresql ]; then
            "$BIN/python" - "$PG" <<'PY'
import sys, psycopg
with psycopg.connect(sys.argv[1] + "/postgres", autocommit=True) as db:
    db.execute("DROP DATABASE IF EXISTS tipsom_bench_referrals WITH (FORCE)")
    db.execute("CREATE DATABASE tipsom_bench_referrals")
PY
        else
            rm -f "$dir/tipsom.sqlite3" "$dir/tipsom.sqlite3-wal" "$dir/tipsom.sqlite3-shm"
        fi
        "$BIN/tipsom" keys init
        "$BIN/tipsom" migrate --noinput >/dev/null
        "$BIN/tipsom" createcachetable
        "$BIN/python" bench/generate_referrals.py --referrals "$REFERRALS" --fixture "$fixture"
    fi
    [ "${BENCH_GENERATE_ONLY:-0}" = 1 ] && continue
    [ "$backend" = postgresql ] && pg_tune tipsom_bench_referrals
    "$BIN/python" bench/run_referrals.py measure --fixture "$fixture" --out "$dir/run.json"
done

[ "${BENCH_GENERATE_ONLY:-0}" = 1 ] && exit 0
if [ "$REFERRALS" = 1000000 ]; then RESULTS=bench/results; else RESULTS=$VAR/results; fi
mkdir -p "$RESULTS"
"$BIN/python" bench/run_referrals.py report --scale "$REFERRALS" \
    "$VAR/referrals/postgresql/run.json" "$VAR/referrals/sqlite/run.json" \
    --json "$RESULTS/referrals.json" --md "$RESULTS/referrals.md"
