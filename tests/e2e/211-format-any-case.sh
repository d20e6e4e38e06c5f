#!/bin/sh
# SPEC 5 `backup [--format F]`, `scrub ... [--format F]` and `report
# --format text|json|html`: a format reads the same whatever its letters'
# case, as a name given to -o already does (`--format ZIP` is a zip,
# `--format TAR.GZ` a gzipped tar, `report --format JSON` JSON); a backup
# named by lethe gets the extension in its usual spelling.  A format that
# is no format is still refused (64), in any case.
. "$TESTS_TOP/tests/lib.sh"
setup
add_subject live.db aaaaaaaa-0000-4000-8000-000000000001 client Alice \
	alice@example.com '+44 7700 900001' 2026-01-01T00:00:00Z

lt backup --format ZIP
expect 0 "backup --format ZIP"
Z=$T/backups/lethe-20261122T100000Z.zip
out_has "$Z" "named with .zip, as --format zip names it"
check "it is a zip" sh -c "head -c 2 '$Z' | grep -q PK"
check "it holds the live store" sh -c "bsdtar tf '$Z' | grep -qx live.db"

lt backup -o "$T/b.tgz" --format Tar.Gz
expect 0 "backup -o b.tgz --format Tar.Gz"
check "it is gzip" sh -c "head -c 2 '$T/b.tgz' | od -An -tx1 | grep -q '1f 8b'"

lt scrub "$Z" -o "$T/s.cpio" --format CPIO
expect 0 "scrub --format CPIO"
check "the scrubbed archive is a cpio" sh -c \
	"bsdtar tvf '$T/s.cpio' >/dev/null && head -c 6 '$T/s.cpio' | grep -q 070701"

lt backup --format RAR
expect 64 "backup --format RAR"
lt scrub "$Z" -o "$T/s2.x" --format Zip.Bogus
expect 64 "scrub --format Zip.Bogus"
check "nothing written" test ! -e "$T/s2.x"

lt report --format JSON
expect 0 "report --format JSON"
check "JSON it is" "$PY" -S -c 'import json,sys; json.load(open(sys.argv[1]))' \
	"$T/out"
lt report --format Html
expect 0 "report --format Html"
out_has "<html" "HTML it is"
lt report --format XML
expect 64 "report --format XML"
# --format wins over the name, with a warning when they disagree
lt backup -o "$T/odd.zip" --format tar.gz
expect 0 "backup -o odd.zip --format tar.gz"
check "a gzipped tar it is" sh -c "file -b '$T/odd.zip' | grep -q gzip"
err_has "odd.zip' is written as tar.gz" "it warns that the name says zip"
lt backup -o "$T/fine.tgz" --format tar.gz
err_lacks "not in the format its name suggests" "no warning for .tgz"
done_testing
