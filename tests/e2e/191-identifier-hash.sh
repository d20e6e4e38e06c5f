#!/bin/sh
# Law 4 and SPEC 1 (identifier hash): the ledger holds an identifier only
# as HMAC-SHA256, under the 32-byte key file, of the normalised identifier
# (the email trimmed and lower-cased, the phone as digits with its country
# code), so that an auditor holding the key can check a hash by hand, and
# nothing else of the person.
. "$TESTS_TOP/tests/lib.sh"

setup
lt request erase --email '  Alice@Example.COM ' --phone '020 7946 0958'
expect 0 "a request with an email and a national phone number"
lt ledger list --json
expect 0 "ledger list"
HMAC='
import hashlib, hmac, sys
key = open(sys.argv[1], "rb").read()
print(hmac.new(key, sys.argv[2].encode(), hashlib.sha256).hexdigest())
'
E=$("$PY" -S -c "$HMAC" ledger.key alice@example.com)
P=$("$PY" -S -c "$HMAC" ledger.key 442079460958)
out_has "email:$E" "the email is HMAC(key, 'alice@example.com')"
out_has "phone:$P" "the phone is HMAC(key, '442079460958')"
out_lacks "lice@" "the email itself is not in the ledger's events"
out_lacks "2079460958" "the phone itself is not in the ledger's events"
out_lacks "7946 0958" "nor as it was typed"
no_bytes "the email is nowhere in the ledger's bytes" alice@example ledger.db
done_testing
