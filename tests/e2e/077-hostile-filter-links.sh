#!/bin/sh
# Law 7 meets the filter: per-subject paths of erased subjects
# (attachments/{subject}/) cannot be smuggled past it through links.  A
# hardlink elsewhere to an erased subject's file, or the per-subject folder
# itself being a symlink to another folder, must not leave that file
# readable in the restored tree: restore refuses (65, nothing written) or
# restores without it (0).  Trees at any depth are dropped; the kept
# subject's files stay.
. "$TESTS_TOP/tests/lib.sh"

. "$TESTS_TOP/tests/hostile.sh"

gone_and_kept
lt request erase --email gone@example.com
expect 0 "erasure requested"
lt run
expect 0 "erasure done"

mkdir -p arc x/y
# every file holds its own archive path, so A's files say "attachments/$A/"
hostile <<EOT
tar arc/plain.tar f:attachments/$A/cv.txt f:attachments/$B/cv.txt \
	f:backup/2025/attachments/$A/cv.txt f:backup/2025/attachments/$B/cv.txt
tar arc/hardlink.tar f:attachments/$A/cv.txt f:attachments/$B/cv.txt \
	h:public/cv.txt>attachments/$A/cv.txt
tar arc/symlink.tar f:attachments/$A/cv.txt f:attachments/$B/cv.txt \
	l:public/cv-link>../attachments/$A/cv.txt
tar arc/linked-dir.tar f:attachments/$B/cv.txt d:stash f:stash/cv.txt \
	l:attachments/$A>../stash
EOT

# either WHAT ARCHIVE: restore into $T/x/y/target exits 0 (then the caller
# checks the tree; returns 0) or 65 with nothing written (returns 1)
either() {
	rm -rf "$T/x/y/target"
	snap before
	lt restore "$2" --to "$T/x/y/target"
	case $rc in
	0) ok "$1: restored (exit 0)"; return 0 ;;
	65) ok "$1: refused (exit 65)"
	    unchanged "$1: nothing written"; return 1 ;;
	*) not_ok "$1: expected exit 0 or 65, got $rc"; return 1 ;;
	esac
}
# no_trace WHAT: no file under the target holds an erased file's bytes
no_trace() {
	eq "$1" "$(grep -rl "attachments/$A/" "$T/x/y/target" 2>&1)" ""
}
r=$T/x/y/target

mkdir ok
restored "per-subject trees" arc/plain.tar "$T/ok/target"
check "the erased subject's tree is dropped" \
	test ! -e "$T/ok/target/attachments/$A"
check "... also deeper in the archive" \
	test ! -e "$T/ok/target/backup/2025/attachments/$A"
check "the kept subject's files stay" \
	test -f "$T/ok/target/attachments/$B/cv.txt" -a \
	-f "$T/ok/target/backup/2025/attachments/$B/cv.txt"

if either "a hardlink to an erased subject's file" arc/hardlink.tar; then
	no_trace "hardlink: the erased file is not kept under another name"
	check "hardlink: the kept subject's file stays" \
		test -f "$r/attachments/$B/cv.txt"
fi
if either "a symlink to an erased subject's file" arc/symlink.tar; then
	no_trace "symlink: the erased file is gone"
	check "symlink: it does not read through the link" \
		test ! -e "$r/public/cv-link"
fi
if either "the erased subject's folder a symlink to another" \
	arc/linked-dir.tar; then
	check "linked folder: 'attachments/$A' is not in the tree" \
		test ! -e "$r/attachments/$A" -a ! -L "$r/attachments/$A"
	check "linked folder: the kept subject's file stays" \
		test -f "$r/attachments/$B/cv.txt"
fi

done_testing
