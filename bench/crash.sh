#!/bin/sh
# Crash test, full size: 40 SIGKILLs (default) at random moments under 16-way load of tips, tips
# with files and follow-ups against a release build, plus some kills during start-up; then checks
# that every acknowledged payload decrypts exactly once and no submission is stored in half.
# The same test runs in `cargo test` with 8 kills (tests/process/crash_load.rs).
#
# Run from the repository root:
#     sh bench/crash.sh            # 40 kills under load
#     sh bench/crash.sh 100        # more
# MELDPUNT_CRASH_SEED=N repeats a run's random choices (not the process timing).
set -eu
kills="${1:-40}"
case "$kills" in
    '' | *[!0-9]*) echo "usage: sh bench/crash.sh [KILLS]" >&2; exit 2 ;;
esac
MELDPUNT_CRASH_KILLS="$kills" exec cargo test --release --test process crash_load::sigkill -- --nocapture
