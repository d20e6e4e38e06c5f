#!/bin/sh
# restore --to DIR: DIR must not exist or be an empty folder.  A folder
# holding anything (even a dot file or an empty folder), a file, or a
# symlink to a full folder is a usage error (exit 64) found before the
# archive is read: even a missing archive gives 64.  A good archive lands
# in a missing or empty DIR with no staging left beside it.
. "$TESTS_TOP/tests/lib.sh"

. "$TESTS_TOP/tests/hostile.sh"

# taken WHAT DIR [ARCHIVE]: restore exits 64 naming DIR and writes nothing
# (ARCHIVE: a missing file unless given; '<FILE' for standard input)
taken() {
	t_arc=${3:-$T/arc/missing.tar}
	snap before
	case $t_arc in
	"<"*) lt_in "${t_arc#<}" restore - --to "$2" ;;
	*) lt restore "$t_arc" --to "$2" ;;
	esac
	expect 64 "$1: usage error"
	err_names "$2" "$1: stderr names the target"
	unchanged "$1: nothing written"
}

setup
mkdir -p arc p/full p/hidden p/nested/sub p/empty
echo keep >p/full/keep.txt
echo keep >p/hidden/.keep
echo file >p/file
ln -s full p/link
hostile tar arc/good.tar d:docs f:docs/a.txt f:b.txt

taken "a folder holding a file, missing archive" "$T/p/full"
taken "a folder holding a file, good archive" "$T/p/full" arc/good.tar
taken "a folder holding a dot file" "$T/p/hidden"
taken "a folder holding an empty folder" "$T/p/nested" arc/good.tar
taken "a regular file" "$T/p/file"
taken "a symlink to a full folder" "$T/p/link" arc/good.tar
taken "a full folder, archive on standard input" "$T/p/full" "<arc/good.tar"

snap before
lt restore arc/good.tar
expect 64 "no --to"
unchanged "no --to: nothing written"

snap before
lt restore arc/missing.tar --to "$T/p/absent"
expect 74 "a missing archive and a free target: an I/O error"
err_names missing.tar "missing archive: stderr names it"
unchanged "missing archive: nothing written"

# check_good DIR: the good archive's files are in DIR
check_good() {
	eq "$1: files in place" \
		"$(cat "$2/docs/a.txt" "$2/b.txt" 2>&1 | tr '\n' ' ')" \
		"docs/a.txt b.txt "
}
mkdir q1 q2 q3
restored "into a missing folder" arc/good.tar "$T/q1/target"
check_good "into a missing folder" "$T/q1/target"
mkdir q2/target
restored "into an empty folder" arc/good.tar "$T/q2/target"
check_good "into an empty folder" "$T/q2/target"
lt_in arc/good.tar restore - --to "$T/q3/target"
expect 0 "from standard input"
check_good "from standard input" "$T/q3/target"
eq "from standard input: no staging left beside the target" \
	"$(ls -A q3)" target
taken "the same target again, now full" "$T/q1/target" arc/good.tar

done_testing
