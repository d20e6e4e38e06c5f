#!/bin/sh
# A request naming a phone where the data map holds no phone identifier
# (here a misspelt type, `phnoe:phone`) can find no one in the live store
# by it: `request erase` says so (naming the config), for one request and
# for a `--from` batch, and still records it (its tombstone filters
# restored archives, law 11).  With the phone mapped, no warning.
. "$TESTS_TOP/tests/lib.sh"
setup
sed -i 's/^identifiers   = email:email, phone:phone/identifiers   = email:email, phnoe:phone/' \
	"$CONF"
check "the config misspells the phone type" grep -q 'phnoe:phone' "$CONF"
add_subject live.db 33833833-0000-4000-8000-000000000001 client 'Rex' \
	rex@example.com '+44 7700 900338' 2026-11-01T00:00:00Z

lt request erase --phone '+44 7700 900338'
expect 0 "a request by phone is recorded"
err_has "holds no phone identifier" "it warns that no phone is mapped"
err_has "$CONF" "naming the config"
printf 'a@example.com\n+44 7700 900339\nb@example.com, 07700 900340\n' \
	>batch.txt
lt request erase --from batch.txt
expect 0 "a batch is recorded"
err_has "2 requests name a phone" "one warning for the batch, with a count"
lt request erase --email rex@example.com
expect 0 "a request by email"
err_lacks "holds no" "no warning when every identifier named is mapped"

sed -i 's/phnoe:phone/phone:phone/' "$CONF"
lt request erase --phone '+44 7700 900341'
expect 0 "with the phone mapped"
err_lacks "holds no" "no warning"
done_testing
