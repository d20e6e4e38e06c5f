#!/bin/sh
# Laws 7 and 11: a refused archive entry is named (exit 65), but the
# parts of its name that look like an email address or a phone number
# (an erased person's, say) are masked: refusals go to the journal.
. "$TESTS_TOP/tests/lib.sh"
eve_backup_erased "$T/b.tar"
"$PY" - "$T" <<'PY'
import io, sys, tarfile
t = sys.argv[1]
with tarfile.open(t + "/dup.tar", "w") as tf:
    for n in ("mail/eve@example.com/note.txt", "mail/eve@example.com/note.txt"):
        i = tarfile.TarInfo(n); d = b"hi"; i.size = len(d)
        tf.addfile(i, io.BytesIO(d))
with tarfile.open(t + "/fifo.tar", "w") as tf:
    i = tarfile.TarInfo("calls/+447700900901/pipe"); i.type = tarfile.FIFOTYPE
    tf.addfile(i)
PY
lt restore "$T/dup.tar" --to "$T/r1"
expect 65 "a duplicate path is refused"
err_has "entry 'mail/\[identifier\]/note.txt': the same path twice" \
	"the entry is named, the email in it masked"
err_lacks "eve@example.com" "the email is not in the message"
lt restore "$T/fifo.tar" --to "$T/r2"
expect 65 "a FIFO is refused"
err_has "entry 'calls/\[identifier\]/pipe'" "the phone number in its name masked"
err_lacks "7700900901" "the phone number is not in the message"
done_testing
