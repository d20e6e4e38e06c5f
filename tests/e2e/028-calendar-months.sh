#!/bin/sh
# SPEC 3 "Durations" and law 10: months are calendar months clamped to the
# month's end (31 Jan + 1 month = 28 Feb, or 29 Feb in a leap year); a row
# is past a duration only when date + duration < now, in the months of
# the offset the date is written with; --now takes any ISO-8601 offset.
. "$TESTS_TOP/tests/lib.sh"

alive() { sql live.db "SELECT group_concat(name, ' ') FROM (SELECT name FROM
  subjects ORDER BY name)"; }

setup
sed -i 's/^lead_expiry .*/lead_expiry          = 1 month/' "$CONF"
add_subject live.db aaaaaaaa-0000-4000-8000-000000000001 lead Jan \
	jan@example.com '' 2026-01-31T10:00:00Z
add_subject live.db aaaaaaaa-0000-4000-8000-000000000002 lead Leap \
	leap@example.com '' 2028-01-31T10:00:00Z
add_subject live.db aaaaaaaa-0000-4000-8000-000000000003 lead Mar \
	mar@example.com '' 2026-03-31T10:00:00Z

NOW=2026-02-28T10:00:00Z
lt run
expect 0 "31 Jan + 1 month = 28 Feb 10:00: not yet past at that instant"
eq "all kept" "$(alive)" "Jan Leap Mar"
NOW=2026-02-28T10:00:01Z
lt run
expect 0 "one second later"
eq "the 31 January lead is past" "$(alive)" "Leap Mar"
NOW=2026-04-30T10:00:00Z
lt run
expect 0 "31 Mar + 1 month = 30 Apr 10:00"
eq "not yet past" "$(alive)" "Leap Mar"
NOW=2026-04-30T12:00:01+02:00
lt run
expect 0 "--now with a +02:00 offset, one second past"
eq "the 31 March lead is past" "$(alive)" Leap
NOW=2028-02-29T10:00:00Z
lt run
expect 0 "leap year: 31 Jan 2028 + 1 month = 29 Feb 2028"
eq "not yet past" "$(alive)" Leap
NOW=2028-02-29T10:00:01Z
lt run
expect 0 "one second later"
eq "past" "$(alive)" ""

# a last activity written with an offset counts in that offset's months:
# 1 Mar 01:00 at +02:00 (28 Feb 23:00 UTC) + 1 month is 1 Apr 01:00 there
add_subject live.db aaaaaaaa-0000-4000-8000-000000000004 lead Zoned \
	zoned@example.com '' 2030-03-01T01:00:00+02:00
NOW=2030-03-31T23:00:00Z
lt run
expect 0 "at 1 Apr 01:00 +02:00"
eq "the lead seen 1 Mar +02:00 is not yet past (UTC months: 28 Mar)" \
	"$(alive)" Zoned
NOW=2030-03-31T23:00:01Z
lt run
expect 0 "one second later"
eq "past" "$(alive)" ""

NOW=2026-11-22T12:00:00+02:00
lt request erase --email x@example.com
expect 0 "request erase with --now at +02:00"
check "received and due are in UTC, due = received + 7 days" \
	grep -Eq ' due 2026-11-29T10:00:00Z$' out
NOW=2026-11-22
lt ledger list
expect 0 "--now as a bare date"
NOW=yesterday
lt run
expect 64 "--now that is not an ISO-8601 time"
done_testing
