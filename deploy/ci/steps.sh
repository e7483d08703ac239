# shellcheck shell=bash
# Sourced by image-check.sh and image-run.sh: timed steps, and failures told in one line.
# IMAGE_CHECK_STARTED (seconds since the epoch) is the check's start, shared by both scripts.
export IMAGE_CHECK_STARTED=${IMAGE_CHECK_STARTED:-$(date +%s)}

fail() {
  echo "image check failed: $*" >&2
  exit 1
}

step() {
  echo "image check [$(($(date +%s) - IMAGE_CHECK_STARTED))s]: $*"
}

# The log's last lines, then the one line saying what failed.
fail_with_log() {
  local log=$1
  shift
  tail -n 20 "$log" >&2
  fail "$* (whole log: $log)"
}
