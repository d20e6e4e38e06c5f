#!/bin/sh
# Law 6 (erased means gone from the bytes) and law 3's "a crash at any
# point" applied to restore and scrub: a restore or scrub killed (SIGKILL)
# while it streams an archive leaves its staging folder (.lethe-staging-*)
# beside the target, holding the archive's *unfiltered* files, among them
# a person erased since.  The target itself is untouched (law 5).  The
# next restore into the same target (and the next scrub to the same
# output) takes the lock, so it knows no other lethe is at work: it must
# remove the stale staging folder, so the erased person's data does not
# stay on disk for good.  The same holds for `inspect -`, which stages in
# $TMPDIR: a killed inspect's staging folder must not outlive the next
# inspect.
. "$TESTS_TOP/tests/lib.sh"
setup
A=aaaaaaaa-0000-4000-8000-000000000001
B=aaaaaaaa-0000-4000-8000-000000000002
add_subject live.db $A client Alice alice@example.com '+44 7700 900001' 2026-01-01T00:00:00Z
add_subject live.db $B client Bob bob@example.com '+44 7700 900002' 2026-01-01T00:00:00Z
mkdir -p attachments/$B
# incompressible filler after the database, so the stream can stall there
head -c 3000000 /dev/urandom >attachments/$B/scan.bin
tar cf "$T/app.tar" live.db attachments
lt request erase --email alice@example.com
lt run
expect 0 "alice is erased after the foreign tar was made"
mkdir "$T/area" "$T/dest"

# stalled LETHE-ARGS...: feed app.tar's first 1 MB through a FIFO, then
# kill lethe (SIGKILL) while it waits for the rest
stalled() {
	rm -f "$T/fifo"; mkfifo "$T/fifo"
	"$LETHE" -c "$CONF" --now "$NOW" "$@" <"$T/fifo" >/dev/null 2>&1 &
	pid=$!
	exec 3>"$T/fifo"
	head -c 1000000 "$T/app.tar" >&3
	sleep 2
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	exec 3>&-
	rm -f "$T/fifo"
}

stalled restore - --to "$T/area/target"
check "killed restore: the target does not exist" test ! -e "$T/area/target"
eq "killed restore: a staging folder is left (the situation under test)" \
	"$(ls -A "$T/area" | grep -c '^\.lethe-staging')" 1
lt restore "$T/app.tar" --to "$T/area/target"
expect 0 "the next restore into the same target"
eq "it removed the stale staging folder" \
	"$(ls -A "$T/area" | grep -c '^\.lethe-staging')" 0
no_bytes "no file beside the target holds the erased email" alice@example.com \
	$(find "$T/area" -type f)

stalled scrub - -o "$T/dest/clean.tar"
check "killed scrub: no output" test ! -e "$T/dest/clean.tar"
lt scrub "$T/app.tar" -o "$T/dest/clean.tar"
expect 0 "the next scrub to the same output"
eq "it removed the stale staging folder" \
	"$(ls -A "$T/dest" | grep -c '^\.lethe-staging')" 0
no_bytes "no file beside the output holds the erased email" alice@example.com \
	$(find "$T/dest" -type f)

mkdir "$T/tmp"
TMPDIR=$T/tmp
export TMPDIR
stalled inspect -
eq "killed inspect: a staging folder is left in TMPDIR (the situation under test)" \
	"$(ls -A "$T/tmp" | grep -c '^\.lethe-staging')" 1
lt inspect "$T/app.tar"
expect 1 "the next inspect finds the erased person"
eq "it removed the killed inspect's staging folder" \
	"$(ls -A "$T/tmp" | grep -c '^\.lethe-staging')" 0
no_bytes "nothing in TMPDIR holds the erased email" alice@example.com \
	$(find "$T/tmp" -type f)
unset TMPDIR
done_testing
