# shellcheck shell=bash disable=SC2016  # single-quoted bash -c scripts get their own $1 $2
# Helpers sourced by bin/setup, bin/run and bin/test. Not meant to be run on its own.
#
# Everything here is idempotent: it checks what is there (a port that answers, a venv whose
# lock stamp matches) and installs or starts only what is missing. Things this run started are
# remembered in variables (REDIS_STARTED, POSTGRES_STARTED) so the caller can stop exactly those.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRIPT_NAME="bin/$(basename "$0")"
VENV="$ROOT/.venv"
VAR="$ROOT/var"
MIN_PYTHON="3.12"
UV_VERSION="0.13.9"
DEVCLOUD_PYTHON="${DEVCLOUD_PYTHON:-python3}"

REDIS_STARTED=""
POSTGRES_STARTED=""
_APT_UPDATED=""

log() { printf '%s: %s\n' "$SCRIPT_NAME" "$*" >&2; }
warn() { printf '%s: warning: %s\n' "$SCRIPT_NAME" "$*" >&2; }
die() {
    printf '%s: error: %s\n' "$SCRIPT_NAME" "$*" >&2
    exit 1
}

# "1m 05s" from a number of seconds.
format_duration() { printf '%dm %02ds' $(($1 / 60)) $(($1 % 60)); }

make_var_dirs() { mkdir -p "$VAR/log" "$VAR/run" "$VAR/redis"; }

# Run a command as root: directly when we are root, else through sudo.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "'$*' needs root, and sudo is not installed. Run this as root or install sudo."
    fi
}

# Run a command as the postgres OS user (local peer authentication on Debian/Ubuntu).
as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    elif command -v sudo >/dev/null 2>&1; then
        (cd / && sudo -u postgres "$@")
    else
        die "'$*' must run as the postgres user, and sudo is not installed."
    fi
}

# --- apt ----------------------------------------------------------------------------------------

apt_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }

# ensure_apt_package NAME [NAME...]: install the packages that dpkg does not list as installed.
# `apt-get update` runs at most once per run of a bin/ script.
ensure_apt_package() {
    local missing=() name
    for name in "$@"; do
        apt_installed "$name" || missing+=("$name")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    command -v apt-get >/dev/null 2>&1 ||
        die "${missing[*]} must be installed, and this machine has no apt-get (Debian or Ubuntu" \
            "is expected). Install ${missing[*]} with your package manager and run again."
    log "installing ${missing[*]} with apt-get"
    # Waits for another apt (unattended-upgrades on a fresh machine) instead of failing at once.
    local apt=(apt-get -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)
    if [ -z "$_APT_UPDATED" ]; then
        as_root "${apt[@]}" update -qq || die "apt-get update failed (see above)."
        _APT_UPDATED=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -q \
        --no-install-recommends "${missing[@]}" ||
        die "apt-get could not install ${missing[*]} (see above)."
}

# --- ports --------------------------------------------------------------------------------------

# port_open HOST PORT: true when something accepts a TCP connection there.
port_open() { timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null; }

# wait_for_port HOST PORT SECONDS
wait_for_port() {
    local deadline=$((SECONDS + $3))
    while ! port_open "$1" "$2"; do
        [ "$SECONDS" -ge "$deadline" ] && return 1
        sleep 0.2
    done
}

# --- Python and the venv ------------------------------------------------------------------------

# python_ok PATH: true when PATH runs and is Python >= 3.12.
python_ok() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

python_version() { "$1" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null; }

pyenv_root() {
    if command -v pyenv >/dev/null 2>&1; then
        pyenv root 2>/dev/null && return 0
    fi
    printf '%s\n' "${PYENV_ROOT:-$HOME/.pyenv}"
}

# Print the first interpreter >= 3.12: python3.13, python3.12, python3 (every one of each name on
# PATH, since a pyenv shim may shadow a working /usr/bin one), then pyenv's 3.12+ builds, newest
# first. Each is accepted only if running it proves the version.
find_python() {
    local name candidate
    local -a candidates=()
    for name in python3.13 python3.12 python3; do
        while IFS= read -r candidate; do
            candidates+=("$candidate")
        done < <(type -ap "$name" 2>/dev/null)
    done
    while IFS= read -r candidate; do
        [ -x "$candidate" ] && candidates+=("$candidate")
    done < <(printf '%s\n' "$(pyenv_root)"/versions/3.1[2-9]*/bin/python3.1[2-9] | sort -rV)
    for candidate in "${candidates[@]}"; do
        if python_ok "$candidate"; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    return 1
}

no_python_message() {
    cat <<EOF
no Python $MIN_PYTHON or newer found (tried python3.13, python3.12 and python3 on PATH, and
  $(pyenv_root)/versions/3.1[2-9]*). Install one, then run this again:
    Ubuntu 24.04+ / Debian 13+:  sudo apt-get install python3 python3-venv
    Ubuntu 22.04 (deadsnakes):   sudo apt-get install python3.12 python3.12-venv
    Debian 12 (pyenv):           pyenv install 3.12   (https://github.com/pyenv/pyenv#installation)
EOF
}

venv_ok() { [ -x "$VENV/bin/python" ] && python_ok "$VENV/bin/python"; }

# Create .venv when it is missing or its Python is broken or too old.
create_venv() {
    venv_ok && return 0
    local python version
    python="$(find_python)" || die "$(no_python_message)"
    version="$(python_version "$python")"
    if [ -e "$VENV" ]; then
        log "replacing .venv: its Python is missing, broken or older than $MIN_PYTHON"
        rm -rf "$VENV"
    fi
    log "creating .venv with $python (Python $version)"
    if ! "$python" -m venv "$VENV" 2>"$VAR/log/venv.log"; then
        rm -rf "$VENV"
        # Debian and Ubuntu ship venv/ensurepip separately from their system Pythons.
        case "$python" in
        /usr/bin/*)
            ensure_apt_package "python${version%.*}-venv"
            "$python" -m venv "$VENV" || die "could not create .venv with $python (see above)."
            ;;
        *)
            cat "$VAR/log/venv.log" >&2
            die "could not create .venv with $python (see above): its venv module is broken."
            ;;
        esac
    fi
}

ensure_uv() {
    if [[ "$("$VENV/bin/uv" --version 2>/dev/null)" == "uv $UV_VERSION"* ]]; then
        return 0
    fi
    log "installing uv $UV_VERSION into .venv"
    "$VENV/bin/python" -m pip --version >/dev/null 2>&1 || "$VENV/bin/python" -m ensurepip -q ||
        die "the Python in .venv has no pip; delete .venv and run this again."
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check "uv==$UV_VERSION" ||
        die "could not install uv $UV_VERSION from PyPI (see above)."
}

deps_stamp() {
    cat "$ROOT/uv.lock" "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1
    python_version "$VENV/bin/python"
}

# The venv with every locked dependency (dev group included); skipped while the lock is unchanged.
ensure_venv() {
    make_var_dirs
    create_venv
    ensure_uv
    local stamp_file="$VENV/.bin-setup-stamp" stamp
    stamp="$(deps_stamp)"
    if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ]; then
        return 0
    fi
    log "installing Python dependencies from uv.lock (uv sync --frozen)"
    (
        unset VIRTUAL_ENV
        cd "$ROOT" &&
            UV_PYTHON_DOWNLOADS=never UV_PYTHON="$VENV/bin/python" UV_PROJECT_ENVIRONMENT="$VENV" \
                "$VENV/bin/uv" sync --frozen
    ) || die "uv sync --frozen failed (see above). Is uv.lock in step with pyproject.toml?"
    printf '%s\n' "$stamp" >"$stamp_file"
}

# --- Redis --------------------------------------------------------------------------------------

# redis_answers: true when the server on 127.0.0.1:6379 answers PING like Redis.
redis_answers() {
    timeout 3 bash -c 'exec 3<>/dev/tcp/127.0.0.1/6379 && printf "PING\r\n" >&3 &&
        IFS= read -r line <&3 && [[ "$line" == "+PONG"* ]]' 2>/dev/null
}

ensure_redis_installed() {
    port_open 127.0.0.1 6379 && return 0
    command -v redis-server >/dev/null 2>&1 || ensure_apt_package redis-server
}

# Reuse the Redis on 127.0.0.1:6379 when it answers; else start a private one (data in var/redis,
# nothing persisted) and set REDIS_STARTED so stop_redis can stop it.
ensure_redis() {
    make_var_dirs
    if port_open 127.0.0.1 6379; then
        redis_answers || die "something answers on 127.0.0.1:6379 but not as a Redis without" \
            "a password would; stop it or point REDIS_URL at your Redis."
        log "using the Redis that answers on 127.0.0.1:6379"
        return 0
    fi
    ensure_redis_installed
    # On machines with systemd, installing the package also starts Debian's own Redis.
    if port_open 127.0.0.1 6379; then
        log "using the Redis that answers on 127.0.0.1:6379"
        return 0
    fi
    log "starting a private Redis on 127.0.0.1:6379 (log: var/log/redis.log)"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
        --dir "$VAR/redis" --pidfile "$VAR/run/redis.pid" --logfile "$VAR/log/redis.log" ||
        die "redis-server did not start; see var/log/redis.log."
    REDIS_STARTED=1
    wait_for_port 127.0.0.1 6379 10 || die "Redis did not answer on 6379 in 10 s; see var/log/redis.log."
}

stop_redis() {
    [ -n "$REDIS_STARTED" ] || return 0
    REDIS_STARTED=""
    local pid
    pid="$(cat "$VAR/run/redis.pid" 2>/dev/null)" || return 0
    log "stopping the Redis this run started (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    warn "Redis (pid $pid) did not stop in 5 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
}

# --- Chromium -----------------------------------------------------------------------------------

# Chinese pages need a CJK font, or every glyph renders as a box in the browser tests' screenshots.
ensure_chromium() {
    ensure_apt_package fonts-noto-cjk
    [ -x /usr/bin/chromium ] && return 0
    ensure_apt_package chromium
    [ -x /usr/bin/chromium ] || die "apt installed chromium, but /usr/bin/chromium is missing."
}

# --- Translations -------------------------------------------------------------------------------

# compile_messages: GNU gettext (msgfmt for the compiled catalogs, xgettext for the catalog check),
# then the .mo files from locale/*/LC_MESSAGES/*.po when a .po is newer than its .mo.
compile_messages() {
    command -v msgfmt >/dev/null 2>&1 && command -v xgettext >/dev/null 2>&1 ||
        ensure_apt_package gettext
    local po stale=""
    for po in "$ROOT"/locale/*/LC_MESSAGES/*.po; do
        [ -e "$po" ] || continue
        [ "${po%.po}.mo" -nt "$po" ] || stale=1
    done
    [ -z "$stale" ] || (cd "$ROOT" && "$ROOT/.venv/bin/python" manage.py compilemessages -v 0 --ignore ".venv" --ignore "node_modules") ||
        die "compilemessages failed (see above)."
}

# --- PostgreSQL ---------------------------------------------------------------------------------

PG_PORT=5432
PG_DATABASE=dashboard
PG_ROLE=dashboard
PG_CREDENTIALS="$VAR/postgres.env"

# pg_can USER PASSWORD: true when USER can log in over TCP to 127.0.0.1:5432 without a prompt.
pg_can() {
    PGPASSWORD="$2" PGCONNECT_TIMEOUT=5 psql -w -X -q -h 127.0.0.1 -p "$PG_PORT" -U "$1" \
        -d postgres -Atc 'select 1' >/dev/null 2>&1
}

pg_sql() { # pg_sql USER PASSWORD SQL
    PGPASSWORD="$2" PGCONNECT_TIMEOUT=5 psql -w -X -q -h 127.0.0.1 -p "$PG_PORT" -U "$1" \
        -d postgres -v ON_ERROR_STOP=1 -Atc "$3"
}

# Start a local cluster on port 5432 (creating one if there is none) and set POSTGRES_STARTED.
start_postgres_cluster() {
    local line version cluster
    line="$(pg_lsclusters --no-header 2>/dev/null | awk -v port="$PG_PORT" '$3 == port' | head -1)"
    if [ -z "$line" ]; then
        if pg_lsclusters --no-header 2>/dev/null | awk '$2 == "main"' | grep -q .; then
            die "PostgreSQL has a 'main' cluster, but not on port $PG_PORT, and nothing answers" \
                "there. Start a server on 127.0.0.1:$PG_PORT or set DATABASE_URL yourself."
        fi
        version="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -1)"
        log "creating PostgreSQL $version cluster 'main' on port $PG_PORT"
        as_root pg_createcluster "$version" main --port "$PG_PORT" >/dev/null ||
            die "pg_createcluster $version main failed (see above)."
        line="$version main"
    fi
    read -r version cluster _ <<<"$line"
    log "starting PostgreSQL $version/$cluster on 127.0.0.1:$PG_PORT"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start ||
        die "PostgreSQL $version/$cluster did not start; see /var/log/postgresql/."
    POSTGRES_STARTED="$version $cluster"
    wait_for_port 127.0.0.1 "$PG_PORT" 30 ||
        die "PostgreSQL did not answer on 127.0.0.1:$PG_PORT in 30 s; see /var/log/postgresql/."
}

# Make a password login role for the dashboard through the postgres OS user, saved in var/.
create_postgres_role() {
    local password
    password="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
    log "creating PostgreSQL role '$PG_ROLE' (as the postgres OS user; password in var/postgres.env)"
    as_postgres psql -X -q -d postgres -v ON_ERROR_STOP=1 -v pw="$password" >/dev/null <<SQL ||
SELECT 'CREATE ROLE $PG_ROLE' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_ROLE')
\gexec
ALTER ROLE $PG_ROLE LOGIN CREATEDB PASSWORD :'pw';
SQL
        die "could not create the PostgreSQL role '$PG_ROLE' as the postgres user. Create a" \
            "role that may log in over TCP with a password and create databases, then set" \
            "DATABASE_URL=postgres://USER:PASSWORD@127.0.0.1:$PG_PORT/$PG_DATABASE."
    (umask 077 && printf 'PG_USER=%s\nPG_PASSWORD=%s\n' "$PG_ROLE" "$password" >"$PG_CREDENTIALS")
}

# Reuse the PostgreSQL on 127.0.0.1:5432 or install and start one; make sure the database
# `dashboard` exists and export DATABASE_URL for it. The role needs CREATEDB: pytest-django
# creates and drops test_dashboard.
ensure_postgres() {
    make_var_dirs
    if ! port_open 127.0.0.1 "$PG_PORT"; then
        if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ ! -d /usr/lib/postgresql ]; then
            ensure_apt_package postgresql
        fi
        # With systemd, installing the package also starts the cluster.
        port_open 127.0.0.1 "$PG_PORT" || start_postgres_cluster
    else
        log "using the PostgreSQL that answers on 127.0.0.1:$PG_PORT"
    fi
    command -v psql >/dev/null 2>&1 || ensure_apt_package postgresql-client

    local user="" password=""
    if pg_can postgres ""; then
        user=postgres # trust authentication over TCP, as on the project's machines and CI
    else
        if [ -f "$PG_CREDENTIALS" ]; then
            user="$(sed -n 's/^PG_USER=//p' "$PG_CREDENTIALS")"
            password="$(sed -n 's/^PG_PASSWORD=//p' "$PG_CREDENTIALS")"
        fi
        if [ -z "$user" ] || ! pg_can "$user" "$password"; then
            create_postgres_role
            user="$PG_ROLE"
            password="$(sed -n 's/^PG_PASSWORD=//p' "$PG_CREDENTIALS")"
            pg_can "$user" "$password" ||
                die "the role '$user' exists but cannot log in over TCP to 127.0.0.1:$PG_PORT;" \
                    "check pg_hba.conf allows 'host all all 127.0.0.1/32 scram-sha-256'."
        fi
    fi
    if [ -z "$(pg_sql "$user" "$password" \
        "select 1 from pg_database where datname = '$PG_DATABASE'")" ]; then
        log "creating PostgreSQL database '$PG_DATABASE'"
        pg_sql "$user" "$password" "create database $PG_DATABASE" >/dev/null ||
            die "could not create the database '$PG_DATABASE' as '$user' (see above)."
    fi
    DATABASE_URL="postgres://$user${password:+:$password}@127.0.0.1:$PG_PORT/$PG_DATABASE"
    export DATABASE_URL
}

stop_postgres() {
    [ -n "$POSTGRES_STARTED" ] || return 0
    local version cluster
    read -r version cluster <<<"$POSTGRES_STARTED"
    POSTGRES_STARTED=""
    log "stopping the PostgreSQL this run started ($version/$cluster)"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" stop ||
        warn "PostgreSQL $version/$cluster did not stop; stop it with" \
            "pg_ctlcluster $version $cluster stop"
}

# --- the local cloud ----------------------------------------------------------------------------

devcloud() {
    [ -d "$ROOT/devcloud" ] || die "devcloud/ is missing from $ROOT; it runs the local cloud."
    (cd "$ROOT" && "$DEVCLOUD_PYTHON" -m devcloud "$@")
}

# cloud_state: "up" when every service is healthy, "partial" when some process devcloud started
# runs (someone's cloud mid-start, or with a service down), "down" when none does. When the
# status cannot be read (a loaded machine can make the probe fail), a live process of the cloud's
# pid files still makes it "partial": a cloud taken for down is stopped at the end of the run.
cloud_state() {
    local state pidfile
    state=$(devcloud status --json 2>/dev/null | "$DEVCLOUD_PYTHON" -c '
import json, sys
try:
    status = json.load(sys.stdin)
except ValueError:
    print("unknown")
else:
    running = any(service.get("pid") for service in status.get("services", []))
    print("up" if status.get("healthy") else "partial" if running else "down")
') || state=unknown
    if [ "$state" = unknown ]; then
        state=down
        for pidfile in "${DEVCLOUD_HOME:-$ROOT/.devcloud}"/run/*.pid; do
            if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null; then
                state=partial
                break
            fi
        done
    fi
    echo "$state"
}

cloud_up() {
    log "python3 -m devcloud up: the local OpenStack cloud (its first run installs it: minutes)"
    devcloud up || die "the local cloud did not start (see above; logs: python3 -m devcloud logs)."
}

cloud_down() {
    log "stopping the local OpenStack cloud (python3 -m devcloud down)"
    devcloud down || warn "python3 -m devcloud down failed (see above)."
}

# env_file_get FILE KEY: the value of KEY=VALUE in FILE, without surrounding quotes.
env_file_get() {
    local line value
    line="$(grep -E "^(export )?$2=" "$1" 2>/dev/null | tail -1)" || return 1
    value="${line#*=}"
    value="${value%\"}" value="${value#\"}"
    value="${value%\'}" value="${value#\'}"
    printf '%s' "$value"
}

# --- shared first step --------------------------------------------------------------------------

# setup_all [--chromium]: Python, .venv with the locked dependencies, the Redis package (started
# by bin/run and bin/test), and Chromium for the browser tests when asked.
setup_all() {
    local started=$SECONDS
    ensure_venv
    ensure_redis_installed
    compile_messages
    if [ "${1:-}" = "--chromium" ]; then
        ensure_chromium
    fi
    log "setup done in $(format_duration $((SECONDS - started)))"
}
