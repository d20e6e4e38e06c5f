#!/bin/sh
# SPEC 3 (foreign keys are off while lethe erases): a table outside the
# data map whose rows the application deletes with the subject's (ON
# DELETE CASCADE) keeps an erased subject's rows; lethe says so, naming
# the table, so the data map can be completed.
. "$TESTS_TOP/tests/lib.sh"
sql live.db "
CREATE TABLE subjects(id TEXT PRIMARY KEY, email TEXT);
CREATE TABLE prefs(id INTEGER PRIMARY KEY,
  subject_id TEXT REFERENCES subjects(id) ON DELETE CASCADE, pref TEXT);
CREATE TABLE audit(id INTEGER PRIMARY KEY,
  subject_id TEXT REFERENCES subjects(id), what TEXT);"
email_config lethe.ini
lt init
expect 0 "init"
err_has "table 'prefs' .*ON DELETE CASCADE.* not in the data map" \
	"init warns of the unmapped cascading table"
err_lacks "table 'audit'" "not of a table without a cascade"
lt run
expect 0 "run"
err_has "add a \[table prefs\] section" "so does run"
printf '[table prefs]\nsubject = subject_id\non_erase = delete\n' >>lethe.ini
lt run
expect 0 "run with prefs in the data map"
err_lacks "not in the data map" "no warning then"
done_testing
