#!/bin/sh
# SPEC 4 restore: `-` reads standard input, for every format libarchive
# reads, also 7z, which can only be read by seeking: it is spooled into
# the staging folder (and gone afterwards), hashed as it comes, and
# filtered like any other backup.
. "$TESTS_TOP/tests/lib.sh"
eve_backup_erased "$T/b.7z"
SHA=$(sha256sum b.7z | cut -d' ' -f1)

lt_in b.7z inspect -
expect 1 "inspect - of the 7z finds eve"
lt_in b.7z restore - --to "$T/r"
expect 0 "restore - of the 7z"
eq "eve is not restored" "$(sql r/live.db "SELECT count(*) FROM subjects
  WHERE id = '$EVE'")" 0
eq "ann is" "$(sql r/live.db "SELECT count(*) FROM subjects")" 1
eq "nothing spooled is left" "$(ls -A "$T" r | grep -c spool)" 0
eq "the restore event has the archive's SHA-256" \
	"$(sql ledger.db "SELECT json_extract(data, '$.archive_sha256') FROM
	  events WHERE type = 'restore'")" "$SHA"
done_testing
