#!/bin/sh
# SPEC 1 restore (archives made by other tools) and law 7 (a hardlink may
# point to a regular file restored earlier from the same archive): cpio's
# newc format stores the data of hard-linked files with the *last* link;
# the first link comes as an empty file.  Restoring such an archive (here
# made by bsdtar --format newc of the application's folder, where a
# contract and the live store itself have two names each) gives every
# name the file's bytes, not an empty file; both names of the store are
# filtered (eve gone from each); the same from standard input; and a
# scrub of it restores the same way.
. "$TESTS_TOP/tests/lib.sh"
A=aaaaaaaa-0000-4000-8000-00000000000a
eve_backup_erased "$T/b.tar.zst"
mkdir -p app/attachments/$A && bsdtar -xf b.tar.zst -C app &&
	rm app/lethe-manifest.json
echo "ann's signed contract" >app/attachments/$A/contract.txt
ln app/attachments/$A/contract.txt app/attachments/$A/contract-copy.txt
ln app/live.db app/live-copy.db
bsdtar --format newc -cf app.cpio -C app .
bsdtar -tvf app.cpio >listing 2>&1
check "the cpio holds an empty first link (the case tested)" \
	grep -q ' 0 .*contract' listing

# restored WHAT DIR: the checks on one restored tree
restored() {
	for f in contract.txt contract-copy.txt; do
		check "$1: $f holds the contract" \
			cmp -s "$2/attachments/$A/$f" app/attachments/$A/contract.txt
	done
	for db in live.db live-copy.db; do
		eq "$1: $db is a sound database" \
			"$(sql "$2/$db" "PRAGMA quick_check" 2>&1)" ok
		eq "$1: $db keeps ann" "$(sql "$2/$db" "SELECT count(*) FROM
		  subjects WHERE id = '$A'" 2>&1)" 1
		eq "$1: $db lost eve" "$(sql "$2/$db" "SELECT count(*) FROM
		  subjects WHERE id = '$EVE'" 2>&1)" 0
	done
	no_bytes "$1: eve's email is in no restored file" eve@example.com \
		$(find "$2" -type f)
}

lt restore app.cpio --to "$T/r1"
expect 0 "restore of the cpio"
restored "from the file" r1
lt_in app.cpio restore - --to "$T/r2"
expect 0 "restore - of the cpio"
restored "from standard input" r2
lt scrub app.cpio -o "$T/s.cpio"
expect 0 "scrub of the cpio"
lt restore s.cpio --to "$T/r3"
expect 0 "restore of the scrubbed cpio"
restored "scrubbed" r3
done_testing
