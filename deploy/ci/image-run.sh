#!/usr/bin/env bash
# Runs a built HuriBot image as a container runtime would, where `podman run` cannot: chroot
# into the mounted image (read-only, as Kubernetes' readOnlyRootFilesystem leaves it, with a
# fresh /tmp, /dev and /proc), as the image's user, in its working directory, with its
# environment only. Against a fresh PostgreSQL database on loopback it migrates, loads the
# sample knowledge base, starts the image's own command (`huribot serve`), waits for /healthz,
# runs the image's HEALTHCHECK, waits for /readyz, asks one question through Teams (in
# development mode, answered to tests/test_image.py's fake Bot Connector), and stops the
# server with SIGTERM, as Kubernetes does; it must exit 0.
#
# Usage (by deploy/ci/image-check.sh, in a private mount namespace):
#   image-run.sh IMAGE ROOT LOGS
set -euo pipefail
cd "$(dirname "$0")/../.."

IMAGE=$1
ROOT=$2
LOGS=$3
VENV=${VENV:-.venv}
POSTGRES=${HURIBOT_CI_POSTGRES:-postgresql://postgres@127.0.0.1:5432}
DATABASE=huribot_image_check
BOOT_SECONDS=120
STOP_SECONDS=45 # the Deployment's terminationGracePeriodSeconds

# shellcheck source=deploy/ci/steps.sh
. deploy/ci/steps.sh

inspect() {
  podman image inspect --format "$1" "$IMAGE"
}

# A JSON array of strings (or null: none) as one line per item.
json_lines() {
  python3 -c 'import json, sys; sys.stdout.writelines(f"{i}\n" for i in json.load(sys.stdin) or [])'
}

# What a container runtime gives every container, on top of the read-only image.
mount_runtime() {
  mount -t proc proc "$ROOT/proc"
  mount -t tmpfs -o mode=1777 tmpfs "$ROOT/tmp"
  mount -t tmpfs -o mode=755 tmpfs "$ROOT/dev"
  local node
  for node in null zero full random urandom; do
    touch "$ROOT/dev/$node"
    mount --bind "/dev/$node" "$ROOT/dev/$node"
  done
  mkdir -m 1777 "$ROOT/dev/shm"
}

psql_admin() {
  PGOPTIONS=--client-min-messages=warning \
    psql "$POSTGRES/postgres" -q -v ON_ERROR_STOP=1 -c "$1" >/dev/null
}

drop_database() {
  psql_admin "DROP DATABASE IF EXISTS $DATABASE WITH (FORCE)" || true
}

# Sets IN_IMAGE: `"${IN_IMAGE[@]}" COMMAND...` runs COMMAND in the image as its user, with its
# environment and the run's settings; chroot and env exec it, so in the background $! is it.
chroot_command() {
  IN_IMAGE=(chroot --userspec="$USER_SPEC" "$ROOT" /usr/bin/env -i -C "$WORKDIR"
    "${IMAGE_ENV[@]}" "${SETTINGS[@]}")
}

# A command in the image, its output in LOGS/$1.log; fails with that log's end.
run_step() {
  local name=$1
  shift
  step "$*"
  "${IN_IMAGE[@]}" "$@" >"$LOGS/$name.log" 2>&1 ||
    fail_with_log "$LOGS/$name.log" "\`$*\` failed in the image"
}

http_status() {
  curl -s -m 5 -o "$LOGS/$2.json" -w '%{http_code}' "http://127.0.0.1:$PORT$1" || true
}

# Until GET $1 answers 200 (the server must stay up meanwhile).
wait_for_200() {
  local path=$1 name=$2 deadline=$((SECONDS + BOOT_SECONDS)) status
  while :; do
    status=$(http_status "$path" "$name")
    [ "$status" = 200 ] && return
    kill -0 "$SERVER" 2>/dev/null ||
      fail_with_log "$LOGS/serve.log" "serve ended before $path answered"
    [ "$SECONDS" -lt "$deadline" ] ||
      fail "GET $path: $status, not 200, after $BOOT_SECONDS s (body: $LOGS/$name.json)"
    sleep 0.5
  done
}

# The image's HEALTHCHECK, as Docker runs it.
healthcheck() {
  case "${HEALTH[0]}" in
  CMD) "${IN_IMAGE[@]}" "${HEALTH[@]:1}" ;;
  CMD-SHELL) "${IN_IMAGE[@]}" /bin/sh -c "${HEALTH[1]}" ;;
  esac
}

stop_server() {
  kill -TERM "$SERVER"
  local deadline=$((SECONDS + STOP_SECONDS))
  while kill -0 "$SERVER" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
  if kill -0 "$SERVER" 2>/dev/null; then
    kill -KILL "$SERVER"
    fail "serve did not stop within $STOP_SECONDS s of SIGTERM (log: $LOGS/serve.log)"
  fi
  local status=0
  wait "$SERVER" || status=$?
  SERVER=
  [ "$status" -eq 0 ] || fail_with_log "$LOGS/serve.log" "serve exited $status on SIGTERM"
}

cleanup() {
  if [ -n "${SERVER:-}" ]; then kill -KILL "$SERVER" 2>/dev/null || true; fi
  drop_database
}

USER_SPEC=$(inspect '{{.Config.User}}')
WORKDIR=$(inspect '{{.Config.WorkingDir}}')
mapfile -t IMAGE_ENV < <(inspect '{{range .Config.Env}}{{println .}}{{end}}' | sed '/^$/d')
mapfile -t COMMAND < <(
  inspect '{{json .Config.Entrypoint}}' | json_lines
  inspect '{{json .Config.Cmd}}' | json_lines
)
mapfile -t HEALTH < <(inspect '{{json .HealthCheck.Test}}' | json_lines)
case "${USER_SPEC%%:*}" in
"" | 0 | root) fail "the image runs as root (USER '${USER_SPEC}')" ;;
esac
[ ${#COMMAND[@]} -gt 0 ] || fail "the image has no command"
case "${HEALTH[0]:-}" in
CMD | CMD-SHELL) ;;
*) fail "the image has no HEALTHCHECK (was it built with --format docker?)" ;;
esac

pg_isready -q -d "$POSTGRES/postgres" || fail "PostgreSQL does not answer at $POSTGRES"
drop_database
psql_admin "CREATE DATABASE $DATABASE" ||
  fail "could not create the database $DATABASE at $POSTGRES"
SERVER=
trap cleanup EXIT
PORT=$(python3 -c 'import socket; print(socket.create_server(("127.0.0.1", 0)).getsockname()[1])')
SETTINGS=(
  "HURIBOT_DATABASE_URL=$POSTGRES/$DATABASE"
  "HURIBOT_HOST=127.0.0.1"
  "HURIBOT_PORT=$PORT"
  "HURIBOT_TEAMS_ALLOW_ANONYMOUS=true"
)
chroot_command
mount_runtime

run_step whoami id -u
[ "$(cat "$LOGS/whoami.log")" = "${USER_SPEC%%:*}" ] ||
  fail "the image's commands do not run as $USER_SPEC"
run_step migrate huribot db upgrade
run_step ingest huribot ingest --sample

step "${COMMAND[*]} on port $PORT"
"${IN_IMAGE[@]}" "${COMMAND[@]}" >"$LOGS/serve.log" 2>&1 &
SERVER=$!
wait_for_200 /healthz healthz
step "HEALTHCHECK"
healthcheck >"$LOGS/healthcheck.log" 2>&1 ||
  fail_with_log "$LOGS/healthcheck.log" "the image's HEALTHCHECK failed"
wait_for_200 /readyz readyz
step "a question through Teams (tests/test_image.py)"
HURIBOT_IMAGE_URL="http://127.0.0.1:$PORT" "$VENV/bin/pytest" --tb=line -p no:cacheprovider \
  tests/test_image.py >"$LOGS/question.log" 2>&1 ||
  fail_with_log "$LOGS/question.log" "the image did not answer a Teams question"
tail -n 1 "$LOGS/question.log"
step "SIGTERM"
stop_server
