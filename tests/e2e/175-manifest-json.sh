#!/bin/sh
# SPEC 4 backup: the manifest (lethe-manifest.json) holds the backup id,
# time, version, ledger seq and head hash, the SHA-256 of each entry and
# the HMAC of the manifest under the key.  It is one JSON document, as its
# name says, which any JSON reader parses: the HMAC is its member "hmac".
# Each entry's SHA-256 is that of the file in the archive; neither the
# ledger nor the key is listed.  A manifest whose JSON is changed (the
# seq, or its hmac) no longer verifies: the archive is foreign.  A
# manifest in the older form (the JSON without "hmac", then the HMAC on a
# line of its own) still verifies.
. "$TESTS_TOP/tests/lib.sh"
eve_backup_erased "$T/b.tar"
mkdir x && bsdtar -xf b.tar -C x
lt ledger list --json
BSEQ=$(jfield backup data ledger_seq)
BID=$(jfield backup data backup_id)

# manifest KEY...: a field of x/lethe-manifest.json read as JSON
manifest() {
	"$PY" -S -c '
import json, sys
m = json.load(open(sys.argv[1]))
for k in sys.argv[2:]:
    m = m[k]
print(m)' x/lethe-manifest.json "$@" 2>&1
}
eq "the manifest is JSON: its format" "$(manifest format)" lethe-backup-1
eq "it names the backup" "$(manifest backup_id)" "$BID"
eq "it has the ledger seq at snapshot time" "$(manifest ledger_seq)" "$BSEQ"
eq "it has the ledger head hash (64 hex digits)" \
	"$(manifest ledger_head | tr -d '0-9a-f' | wc -c)" 1
eq "it has the backup time" "$(manifest time)" 2026-11-22T10:00:00Z
check "it has the version" test -n "$(manifest version)"
eq "its hmac is 64 hex digits" "$(manifest hmac | tr -d '0-9a-f' | wc -c)" 1
eq "its hmac is 64 digits long" "$(manifest hmac | tr -d '\n' | wc -c)" 64
eq "every entry's SHA-256 is its file's" "$("$PY" -S -c '
import hashlib, json
m = json.load(open("x/lethe-manifest.json"))
bad = [e["path"] for e in m["entries"]
       if hashlib.sha256(open("x/" + e["path"], "rb").read()).hexdigest()
       != e["sha256"]]
print(len(m["entries"]), bad)')" "1 []"
check "neither the ledger nor the key is listed" \
	sh -c "! grep -q 'ledger\.db\|ledger\.key' x/lethe-manifest.json"

# repack NAME PYTHON: the backup again, its manifest rewritten by PYTHON
# (of the text s)
repack() {
	rm -rf y && cp -r x y
	"$PY" -S -c "
s = open('x/lethe-manifest.json').read()
$2
open('y/lethe-manifest.json', 'w').write(s)"
	bsdtar -cf "$1" -C y .
}
n=0
for edit in \
	"s = s.replace('\"ledger_seq\":$BSEQ', '\"ledger_seq\":1', 1)" \
	"i = s.index('\"hmac\":\"') + 8; s = s[:i] + ('0' if s[i] != '0' else '1') + s[i + 1:]"; do
	n=$((n + 1))
	repack t$n.tar "$edit"
	check "edit $n changed the manifest" \
		sh -c "! cmp -s x/lethe-manifest.json y/lethe-manifest.json"
	lt restore t$n.tar --to "$T/t$n"
	expect 0 "edit $n: restored"
	err_has "HMAC does not verify" "edit $n: the manifest does not verify"
	lt ledger list --json
	eq "edit $n: the archive is foreign (rule all)" \
		"$(jfield restore data rule)" all
done

repack old.tar "s = s.rstrip('\n'); i = s.rindex(',\"hmac\":\"');
s = s[:i] + '}\n' + s[i + 9:i + 73] + '\n'"
check "the older form has no hmac member" \
	sh -c "! grep -q '\"hmac\"' y/lethe-manifest.json"
lt restore old.tar --to "$T/old"
expect 0 "a manifest in the older form"
err_lacks "HMAC" "verifies"
lt ledger list --json
eq "its rule is the manifest's seq" "$(jfield restore data rule)" \
	"manifest seq $BSEQ"
done_testing
