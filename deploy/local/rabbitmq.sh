#!/usr/bin/env bash
# Private RabbitMQ node for one machine, no Docker.
#
# usage: deploy/local/rabbitmq.sh {start|stop|status|ctl ARGS...}
#
#   start   start the node unless it already answers; prints one line, the AMQP URL
#           (amqp://guest:guest@127.0.0.1:PORT/).  Idempotent.  Bounded wait (60 s).
#   stop    stop this node only (rabbitmqctl stop) and wait until its OS process is gone.
#   status  exit 0 and print the URL when the node runs; exit 3 when it does not.
#   ctl     rabbitmqctl -n NODE ARGS... with this node's environment (cookie, HOME).
#
# Environment knobs (defaults):
#   CHIBO_RMQ_DIR        $REPO/.data/rabbitmq    everything lives here (mnesia, logs, config,
#                                                 enabled_plugins, home/.erlang.cookie)
#   CHIBO_RMQ_PORT       5672                     AMQP
#   CHIBO_RMQ_MGMT_PORT  15672                    management UI / HTTP API
#   CHIBO_RMQ_PROM_PORT  15692                    prometheus metrics
#   CHIBO_RMQ_DIST_PORT  25672                    Erlang distribution (RABBITMQ_DIST_PORT)
#   CHIBO_RMQ_NODENAME   chibo@localhost for the default dir; for any other dir the name
#                        recorded in that dir, else chibo-<hash of dir>@localhost, so two dirs
#                        never share a node name (nodes on one machine share epmd on 4369).
#   CHIBO_RMQ_START_TIMEOUT  60                   seconds to wait for the node to boot
#   CHIBO_RMQ_STATS_INTERVAL_MS  5000             collect_statistics_interval (management API
#                                                 queue counters lag by about this much)
#
# Every listener binds to 127.0.0.1 (AMQP, management, prometheus, distribution; epmd too
# when this script is the first to start it).  guest/guest works from loopback only (the
# RabbitMQ default).  When run as root the node runs as the "rabbitmq" OS user and the dir is
# chowned to it.  Installs the rabbitmq-server Debian package when it is missing.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/../.." && pwd)
PROG=${0##*/}

die() { echo "$PROG: $*" >&2; exit 1; }
note() { echo "$PROG: $*" >&2; }

usage() {
  echo "usage: $PROG {start|stop|status|ctl ARGS...}" >&2
  exit 2
}

CMD=${1:-}
[ -n "$CMD" ] || usage
shift

DEFAULT_DIR=$REPO/.data/rabbitmq
DIR=${CHIBO_RMQ_DIR:-$DEFAULT_DIR}
PORT=${CHIBO_RMQ_PORT:-5672}
MGMT_PORT=${CHIBO_RMQ_MGMT_PORT:-15672}
PROM_PORT=${CHIBO_RMQ_PROM_PORT:-15692}
DIST_PORT=${CHIBO_RMQ_DIST_PORT:-25672}
START_TIMEOUT=${CHIBO_RMQ_START_TIMEOUT:-60}
STATS_MS=${CHIBO_RMQ_STATS_INTERVAL_MS:-5000}

for p in "$PORT" "$MGMT_PORT" "$PROM_PORT" "$DIST_PORT" "$START_TIMEOUT" "$STATS_MS"; do
  [[ $p =~ ^[0-9]+$ ]] || die "not a number: '$p' (check the CHIBO_RMQ_* variables)"
done

# Absolute, canonical dir (created on demand; harmless for stop/status).
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd -P)
if [ -d "$DEFAULT_DIR" ]; then DEFAULT_DIR=$(cd "$DEFAULT_DIR" && pwd -P); fi

if [ -n "${CHIBO_RMQ_NODENAME:-}" ]; then
  NODE=$CHIBO_RMQ_NODENAME
elif [ -s "$DIR/nodename" ]; then
  NODE=$(head -n1 "$DIR/nodename")
elif [ "$DIR" = "$DEFAULT_DIR" ]; then
  NODE=chibo@localhost
else
  NODE="chibo-$(printf '%s' "$DIR" | cksum | cut -d' ' -f1)@localhost"
fi
case $NODE in *@*) ;; *) NODE="$NODE@localhost" ;; esac
NODE_SHORT=${NODE%@*}

HOME_DIR=$DIR/home
LOG_DIR=$DIR/log
MNESIA_BASE=$DIR/mnesia
CONF=$DIR/rabbitmq.conf
PLUGINS_FILE=$DIR/enabled_plugins
PID_FILE=$DIR/$NODE_SHORT.pid
STARTUP_LOG=$LOG_DIR/startup.log
NODE_LOG=$LOG_DIR/$NODE.log
URL="amqp://guest:guest@127.0.0.1:$PORT/"

# --------------------------------------------------------------------------- installation

find_rmq_bin() {
  if [ -n "${CHIBO_RMQ_BIN:-}" ]; then echo "$CHIBO_RMQ_BIN"; return 0; fi
  # Debian's /usr/sbin wrappers cd to /var/lib/rabbitmq and su to "rabbitmq", resetting HOME
  # (hence the cookie); call the real scripts directly.
  if [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then echo /usr/lib/rabbitmq/bin; return 0; fi
  local s
  s=$(PATH=$PATH:/usr/sbin:/usr/local/sbin command -v rabbitmq-server 2>/dev/null) || return 1
  s=$(readlink -f "$s")
  dirname "$s"
}

ensure_installed() {
  if RMQ_BIN=$(find_rmq_bin) && [ -x "$RMQ_BIN/rabbitmq-server" ] && [ -x "$RMQ_BIN/rabbitmqctl" ]
  then
    return 0
  fi
  "$(dirname "$0")/apt.sh" rabbitmq-server \
    || die "rabbitmq-server is not installed (or set CHIBO_RMQ_BIN)"
  RMQ_BIN=$(find_rmq_bin) && [ -x "$RMQ_BIN/rabbitmqctl" ] \
    || die "rabbitmq-server installed but its scripts were not found"
  # Where policy-rc.d does not forbid it, the package starts a system-wide node listening on
  # 0.0.0.0:5672 - which would take our port.  We only want the package's files.
  if command -v systemctl >/dev/null && systemctl is-active --quiet rabbitmq-server 2>/dev/null
  then
    note "stopping and disabling the system-wide rabbitmq-server service the package started"
    systemctl disable --now rabbitmq-server >&2 || true
  fi
}

# --------------------------------------------------------------------------- environment

if [ "$(id -u)" = 0 ]; then
  RUN_USER=rabbitmq
else
  RUN_USER=$(id -un)
fi

# The whole environment the server and the CLI need.  HOME points at a private dir holding
# this node's own Erlang cookie, so /var/lib/rabbitmq/.erlang.cookie is never used.
rmq_env() {
  RMQ_ENV=(
    "HOME=$HOME_DIR"
    "PATH=$PATH:/usr/sbin:/sbin"
    "LANG=C.UTF-8"
    "LC_ALL=C.UTF-8"
    "RABBITMQ_NODENAME=$NODE"
    "RABBITMQ_USE_LONGNAME=false"
    "RABBITMQ_CONF_ENV_FILE=$DIR/rabbitmq-env.conf"
    "RABBITMQ_CONFIG_FILE=$CONF"
    "RABBITMQ_CONFIG_FILES=$DIR/conf.d"
    "RABBITMQ_ADVANCED_CONFIG_FILE=$DIR/advanced.config"
    "RABBITMQ_ENABLED_PLUGINS_FILE=$PLUGINS_FILE"
    "RABBITMQ_MNESIA_BASE=$MNESIA_BASE"
    "RABBITMQ_LOG_BASE=$LOG_DIR"
    "RABBITMQ_PID_FILE=$PID_FILE"
    "RABBITMQ_NODE_IP_ADDRESS=127.0.0.1"
    "RABBITMQ_NODE_PORT=$PORT"
    "RABBITMQ_DIST_PORT=$DIST_PORT"
    "ERL_EPMD_ADDRESS=127.0.0.1"
    "ERL_CRASH_DUMP=$LOG_DIR/erl_crash.dump"
    "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}"
    "RABBITMQ_CTL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}"
  )
}

# Run a command as the node's OS user with the node's environment (cwd = the node dir).
as_rmq() {
  rmq_env
  if [ "$(id -u)" = 0 ]; then
    (cd "$DIR" && runuser -u "$RUN_USER" -- env -i "${RMQ_ENV[@]}" "$@")
  else
    (cd "$DIR" && env -i "${RMQ_ENV[@]}" "$@")
  fi
}

ctl() { as_rmq "$RMQ_BIN/rabbitmqctl" -n "$NODE" "$@"; }

# Quiet probes.
node_pings() { ctl -q ping >/dev/null 2>&1; }
app_running() { as_rmq "$RMQ_BIN/rabbitmq-diagnostics" -n "$NODE" -q check_running >/dev/null 2>&1; }

node_pid() {
  local pid
  [ -s "$PID_FILE" ] || return 1
  pid=$(head -n1 "$PID_FILE" | tr -dc '0-9')
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

epmd_has_name() {
  command -v epmd >/dev/null || return 1
  ERL_EPMD_ADDRESS=127.0.0.1 epmd -names 2>/dev/null | grep -q "^name $NODE_SHORT at port "
}

prepare_dir() {
  mkdir -p "$HOME_DIR" "$LOG_DIR" "$MNESIA_BASE" "$DIR/conf.d"
  if [ ! -s "$HOME_DIR/.erlang.cookie" ]; then
    # Random per-dir cookie: only this script's CLI calls can talk to this node.
    od -An -N20 -tx1 /dev/urandom | tr -d ' \n' | tr 'a-f' 'A-F' >"$HOME_DIR/.erlang.cookie"
  fi
  chmod 700 "$HOME_DIR"
  chmod 400 "$HOME_DIR/.erlang.cookie"
  echo "$NODE" >"$DIR/nodename"
  : >"$DIR/rabbitmq-env.conf"   # shadows /etc/rabbitmq/rabbitmq-env.conf
  cat >"$CONF" <<EOF
# Generated by deploy/local/rabbitmq.sh on every start; edits are lost.
listeners.tcp.local = 127.0.0.1:$PORT
listeners.ssl = none
management.tcp.ip = 127.0.0.1
management.tcp.port = $MGMT_PORT
prometheus.tcp.ip = 127.0.0.1
prometheus.tcp.port = $PROM_PORT
vm_memory_high_watermark.relative = 0.2
disk_free_limit.absolute = 50MB
collect_statistics_interval = $STATS_MS
log.console = false
log.file.level = info
log.file.rotation.size = 10485760
log.file.rotation.count = 3
EOF
  echo '[rabbitmq_management,rabbitmq_prometheus].' >"$PLUGINS_FILE"
  if [ "$(id -u)" = 0 ]; then chown -R "$RUN_USER": "$DIR"; fi
}

print_log_tail() {
  local f
  for f in "$STARTUP_LOG" "$NODE_LOG"; do
    if [ -s "$f" ]; then
      echo "----- last lines of $f -----" >&2
      tail -n 30 "$f" | cut -c1-300 >&2
    fi
  done
}

# --------------------------------------------------------------------------- commands

with_lock() {
  exec 9>"$DIR/.lock"
  flock -w $((START_TIMEOUT + 60)) 9 || die "could not lock $DIR/.lock (another $PROG busy?)"
}

cmd_start() {
  ensure_installed
  id "$RUN_USER" >/dev/null 2>&1 || die "OS user '$RUN_USER' does not exist"
  with_lock

  if node_pings; then
    if ! app_running; then
      note "node $NODE is up but the rabbit app is stopped; starting it"
      ctl start_app >/dev/null
      ctl await_startup --timeout "$START_TIMEOUT" >/dev/null
    fi
    if [ -s "$DIR/url" ] && [ "$(cat "$DIR/url")" != "$URL" ]; then
      note "node $NODE already runs with $(cat "$DIR/url") (CHIBO_RMQ_PORT differs); stop it first"
      cat "$DIR/url"
      return 0
    fi
    echo "$URL"
    return 0
  fi

  local pid
  if pid=$(node_pid); then
    die "node process $pid (pid file $PID_FILE) is alive but does not answer;" \
      "run '$PROG stop' or kill it"
  fi
  if epmd_has_name; then
    die "node name '$NODE_SHORT' is already registered in epmd by another node that does not" \
      "accept this dir's cookie (another CHIBO_RMQ_DIR?); set CHIBO_RMQ_NODENAME to a unique name"
  fi
  local p
  for p in "PORT=$PORT" "MGMT_PORT=$MGMT_PORT" "PROM_PORT=$PROM_PORT" "DIST_PORT=$DIST_PORT"; do
    if port_busy "${p#*=}"; then
      die "port ${p#*=} on 127.0.0.1 is already in use; choose another with CHIBO_RMQ_${p%%=*}"
    fi
  done

  prepare_dir
  rm -f "$PID_FILE" "$DIR/url" "$DIR/management_url"
  : >"$STARTUP_LOG"
  [ "$(id -u)" = 0 ] && chown "$RUN_USER": "$STARTUP_LOG"

  local t0=$SECONDS
  # Foreground server in its own session, detached from our stdio (a caller capturing our
  # output must not wait for the node).  rabbitmq-server writes $PID_FILE itself.
  rmq_env
  local run=()
  [ "$(id -u)" = 0 ] && run=(runuser -u "$RUN_USER" --)
  (cd "$DIR" && exec setsid "${run[@]}" env -i "${RMQ_ENV[@]}" "$RMQ_BIN/rabbitmq-server") \
    >>"$STARTUP_LOG" 2>&1 </dev/null 9>&- &
  local bg=$!

  local deadline=$((SECONDS + START_TIMEOUT)) ok=0 left
  while [ $SECONDS -lt $deadline ]; do
    if ! kill -0 "$bg" 2>/dev/null; then
      break
    fi
    left=$((deadline - SECONDS))
    [ "$left" -ge 1 ] || break
    if ctl -q await_startup --timeout "$left" >/dev/null 2>&1; then
      ok=1
      break
    fi
    sleep 1
  done

  if [ "$ok" != 1 ]; then
    print_log_tail
    if kill -0 "$bg" 2>/dev/null; then
      note "node $NODE did not finish booting within ${START_TIMEOUT}s; killing it"
      if pid=$(node_pid); then kill -TERM "$pid" 2>/dev/null || true; fi
      kill -TERM "$bg" 2>/dev/null || true
    fi
    die "RabbitMQ node $NODE failed to start (dir $DIR, port $PORT); see the log above" \
      "and $LOG_DIR"
  fi
  echo "$URL" >"$DIR/url"
  echo "http://127.0.0.1:$MGMT_PORT/" >"$DIR/management_url"
  note "node $NODE up in $((SECONDS - t0))s (management http://127.0.0.1:$MGMT_PORT/)"
  echo "$URL"
}

cmd_stop() {
  RMQ_BIN=$(find_rmq_bin) || { echo "rabbitmq-server not installed; nothing to stop" >&2; return 0; }
  with_lock
  local pid=""
  pid=$(node_pid) || pid=""
  if node_pings; then
    ctl -q stop >/dev/null 2>&1 || note "rabbitmqctl stop failed"
  elif [ -z "$pid" ]; then
    note "node $NODE is not running"
    rm -f "$DIR/url"
    return 0
  else
    note "node $NODE (pid $pid) does not answer; sending SIGTERM"
    kill -TERM "$pid" 2>/dev/null || true
  fi
  if [ -n "$pid" ]; then
    local i
    for i in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      if [ "$i" = 45 ]; then kill -KILL "$pid" 2>/dev/null || true; fi
      sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then die "node process $pid did not exit"; fi
  fi
  rm -f "$PID_FILE" "$DIR/url" "$DIR/management_url"
  note "node $NODE stopped"
}

cmd_status() {
  RMQ_BIN=$(find_rmq_bin) || { echo "rabbitmq-server not installed" >&2; return 3; }
  if node_pings; then
    if app_running; then
      echo "running: node $NODE, $(cat "$DIR/url" 2>/dev/null || echo "$URL")," \
        "management $(cat "$DIR/management_url" 2>/dev/null || echo "?"), dir $DIR"
      return 0
    fi
    echo "node $NODE is up but the rabbit app is stopped (dir $DIR)"
    return 3
  fi
  echo "stopped: node $NODE (dir $DIR)"
  return 3
}

case $CMD in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  ctl)
    ensure_installed
    ctl "$@"
    ;;
  -h|--help|help) usage ;;
  *) usage ;;
esac
