/*
 * test_sets.c: the restore filter's sets of strings (erased subject ids)
 * and of rowids (rows to leave out): every member is found, through
 * growth; nothing else is (the filter in front of the slots must never
 * hide a member, and a string differing in one byte, or a prefix, is
 * another string).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rowset.h"
#include "strset.h"
#include "tap.h"

/* id_of: a UUID-shaped string for i, as the subjects' ids are. */
static size_t
id_of(int i, char *buf, size_t n)
{
	return (size_t)snprintf(buf, n, "%08x-1111-4222-8333-%012x",
				(unsigned)i * 2654435761u, (unsigned)i);
}

int
main(void)
{
	struct strset *s = strset_new();
	struct rowset *r = rowset_new();
	char id[64];
	size_t n;
	int i, found = 0, stray = 0, added = 0;
	int64_t row;

	for (i = 0; i < 150000; i++) {
		n = id_of(i, id, sizeof(id));
		added += strset_add(s, id, n);
	}
	CHECK(added == 150000 && strset_count(s) == 150000,
	      "150,000 ids added and counted");
	n = id_of(5, id, sizeof(id));
	CHECK(strset_add(s, id, n) == 0 && strset_count(s) == 150000,
	      "an id added twice is there once");
	for (i = 0; i < 150000; i++) {
		n = id_of(i, id, sizeof(id));
		found += strset_has(s, id, n);
	}
	CHECK(found == 150000, "every id added is found");
	for (i = 150000; i < 300000; i++) {
		n = id_of(i, id, sizeof(id));
		stray += strset_has(s, id, n);
	}
	CHECK(stray == 0, "no id never added is found");
	n = id_of(42, id, sizeof(id));
	CHECK(!strset_has(s, id, n - 1), "a prefix of an id is not the id");
	id[n - 1] ^= 1;
	CHECK(!strset_has(s, id, n), "an id with one byte changed is not");
	CHECK(strset_add(s, "x", 1) == 1 && strset_has(s, "x", 1) &&
	      !strset_has(s, "X", 1) && strset_longest(s) == 36,
	      "short strings, compared byte for byte; the longest kept");
	strset_free(s);
	strset_free(NULL);
	CHECK(!strset_has(NULL, "x", 1) && strset_count(NULL) == 0,
	      "a NULL set is empty");

	/* rowids: every third of 1..600,000, and a few far apart */
	added = found = stray = 0;
	for (row = 1; row <= 600000; row += 3)
		added += rowset_add(r, row);
	added += rowset_add(r, INT64_C(1) << 40);
	added += rowset_add(r, -7);
	CHECK(added == 200002 && rowset_count(r) == 200002,
	      "200,002 rowids added and counted");
	CHECK(rowset_add(r, 4) == 0 && rowset_count(r) == 200002,
	      "a rowid added twice is there once");
	for (row = 1; row <= 600003; row++) {
		if ((row - 1) % 3 == 0 && row <= 600000)
			found += rowset_has(r, row);
		else
			stray += rowset_has(r, row);
	}
	CHECK(found == 200000 && stray == 0,
	      "every rowid added is there, no other between them");
	CHECK(rowset_has(r, INT64_C(1) << 40) && rowset_has(r, -7) &&
	      !rowset_has(r, (INT64_C(1) << 40) + 1) && !rowset_has(r, -8),
	      "rowids far from the rest, and negative ones");
	rowset_free(r);
	CHECK(!rowset_has(NULL, 1) && rowset_count(NULL) == 0,
	      "a NULL rowset is empty");
	return tap_done();
}
