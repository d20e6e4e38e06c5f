#!/bin/sh
# Config (SPEC 3): a live store whose folder is reached through a symbolic
# link (/var/lib/app -> /srv/app) is used like any other; a live_store
# that is itself a link is refused with exit 78 naming file, line and key
# (SQLite keeps the -wal and -journal beside the name it opens).
. "$TESTS_TOP/tests/lib.sh"

mkdir real
make_store real/live.db
ln -s "$T/real" app
write_config "$CONF"
sed -i "s#^live_store = live.db#live_store = $T/app/live.db#" "$CONF"
lt init
expect 0 "init"
add_subject real/live.db aaaaaaaa-0000-4000-8000-00000000000a lead 'Old Lead' \
	old@example.com +447700900111 2025-01-01T00:00:00Z
lt run --dry-run
expect 0 "run --dry-run through the linked folder"
lt run
expect 0 "run through the linked folder"
eq "the stale lead is erased" \
	"$(sql real/live.db "SELECT count(*) FROM subjects")" 0
lt backup -o "$T/b.tar.zst"
expect 0 "backup through the linked folder"

ln -s "$T/real/live.db" link.db
sed -i "s#^live_store = .*#live_store = link.db#" "$CONF"
lt run
expect 78 "a live_store that is itself a link"
err_has "lethe.ini:2: \[lethe\] live_store: .*link.db' is a symbolic link" \
	"the error names file, line and key"
done_testing
