/*
 * gen.c: generate a realistic live store for `make bench`.
 *
 * usage: gen OUT.db N_SUBJECTS SEED NOW_UNIX REQUESTS_OUT
 *
 * OUT.db gets the reference schema (DEMO_SCHEMA from demo.h) filled with
 * N_SUBJECTS subjects created over the three years before NOW: 40% leads
 * (about 15% of them stale: no contact for more than 12 months), 45%
 * clients, 15% suppliers.  Each subject has about 5 communications and 1
 * ticket; clients have 1 to 4 invoices and about 1 order (linked by email,
 * a few with the email typed in another case or with blanks); there are
 * guest orders from people who are no subjects, and a web log of about 2
 * rows per subject over the last 60 days.  Rows are inserted in the order
 * of their dates, interleaved across tables, as a running application
 * would have written them, so one subject's rows are spread over the file.
 *
 * REQUESTS_OUT gets the emails of a random 10% of all subjects, one a line,
 * in random order, exactly as stored: the erasure requests of the
 * benchmark.
 *
 * The output depends only on the arguments.  OUT.db must not exist.  The
 * store is written in one transaction without a journal and left in WAL
 * mode, like the live store of a running application.  Memory use is
 * about 350 bytes per subject plus up to 1 GiB of SQLite page cache; 1M
 * subjects take about 2 minutes and 2.8 GiB.
 */
#define _DEFAULT_SOURCE

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "demo.h"
#include "banned.h"

#define DAY		86400
#define SPAN_DAYS	1096		/* three years, one of them leap */
#define WEBLOG_DAYS	60
#define STALE_PCT	15		/* percent of leads that are stale */
#define REQUEST_PCT	10		/* percent of subjects asking erasure */
#define VARIANT_PCT	5		/* orders with the email typed askew */
#define MAX_SUBJECTS	100000000

/* Kinds of subject. */
enum kind { K_LEAD, K_CLIENT, K_SUPPLIER };

/* Kinds of event: one row to insert, at a time. */
enum ev_type {
	EV_SUBJECT, EV_COMM, EV_TICKET, EV_INVOICE, EV_ORDER, EV_GUEST,
	EV_WEBLOG
};

/*
 * One subject, as much as later rows need: 40 bytes.  Times are
 * seconds after `start` (NOW minus three years).
 */
struct subject {
	uint8_t uuid[16];
	uint32_t created;
	uint32_t last_contact;
	uint32_t email_rand;		/* the random part of the email */
	uint32_t phone;			/* 9 digits after "+44 7" */
	uint16_t street_no;
	uint8_t first, last, street, town;
	uint8_t kind;
	uint8_t phone_fmt;
};

/*
 * One row to insert.  The sort key is (at, seq): seq is unique, so the
 * order is total and does not depend on the sort algorithm.
 */
struct event {
	uint32_t at;			/* seconds after start */
	uint32_t subj;			/* subject index, or row number */
	uint32_t seq_type;		/* seq << 3 | type */
};

/* xoshiro256**, seeded through splitmix64. */
struct rng {
	uint64_t s[4];
};

struct gen {
	sqlite3 *db;
	sqlite3_stmt *ins_subject, *ins_comm, *ins_ticket, *ins_invoice;
	sqlite3_stmt *ins_order, *ins_weblog;
	struct rng rng;
	struct subject *subj;
	size_t nsubj;
	struct event *ev;
	size_t nev, capev;
	int64_t now, start;
	uint64_t invoice_no;
};

static const char *first_names[] = {
	"Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella",
	"Rosie", "Sophia", "Grace", "Freya", "Evie", "Florence", "Willow",
	"Ella", "Noah", "Oliver", "George", "Arthur", "Muhammad", "Leo",
	"Harry", "Oscar", "Archie", "Henry", "Theodore", "Freddie", "Jack",
	"Charlie", "Theo", "Alfie", "Jacob", "Thomas", "Finley", "Lucas",
	"Priya", "Aisha", "Chen", "Kwame", "Siobhan", "Dafydd", "Agnieszka",
	"Mateusz", "Ioana", "Tomasz", "Fatima", "Yusuf"
};
static const char *last_names[] = {
	"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson",
	"Davies", "Patel", "Robinson", "Wright", "Thompson", "Evans",
	"Walker", "White", "Roberts", "Green", "Hall", "Thomas", "Clarke",
	"Jackson", "Wood", "Harris", "Edwards", "Turner", "Martin", "Cooper",
	"Hill", "Ward", "Hughes", "Moore", "Clark", "King", "Harrison",
	"Lewis", "Baker", "Lee", "Allen", "Morris", "Khan", "Scott", "Watson",
	"Davis", "Parker", "James", "Bennett", "Young", "Phillips"
};
static const char *streets[] = {
	"High Street", "Station Road", "Main Street", "Park Road",
	"Church Road", "Church Street", "London Road", "Victoria Road",
	"Green Lane", "Manor Road", "Church Lane", "Park Avenue",
	"The Avenue", "The Crescent", "Queens Road", "New Road",
	"Grange Road", "Kings Road", "Kingsway", "Windsor Road",
	"Highfield Road", "Mill Lane", "Alexander Road", "York Road"
};
static const char *towns[] = {
	"London SW1A 1AA", "Manchester M1 1AE", "Birmingham B1 1BB",
	"Leeds LS1 1UR", "Glasgow G1 1XQ", "Bristol BS1 4DJ",
	"Cardiff CF10 1EP", "Edinburgh EH1 1YZ", "Belfast BT1 5GS",
	"Liverpool L1 8JQ", "Sheffield S1 2HE", "Newcastle NE1 7RU",
	"Nottingham NG1 5FS", "Leicester LE1 5YA", "Brighton BN1 1AE",
	"Norwich NR2 1NH", "York YO1 7HH", "Oxford OX1 1DP",
	"Cambridge CB2 1TN", "Exeter EX1 1HS"
};
static const char *words[] = {
	"the", "order", "delivery", "invoice", "account", "please", "thank",
	"you", "for", "your", "message", "we", "have", "received", "update",
	"about", "price", "quote", "meeting", "next", "week", "call", "back",
	"regarding", "contract", "renewal", "question", "support", "issue",
	"resolved", "payment", "due", "date", "confirm", "address", "change",
	"product", "sample", "catalogue", "discount", "offer", "subscription",
	"cancel", "refund", "shipping", "tracking", "number", "warehouse",
	"stock", "available", "schedule", "visit", "demo", "training",
	"installation", "engineer", "appointment", "morning", "afternoon",
	"kind", "regards", "best", "wishes", "sorry", "delay", "soon",
	"possible", "information", "details", "attached", "document",
	"signed", "form", "and", "to", "of", "in", "on", "with", "as",
	"is", "it", "that", "this", "will", "can", "could", "would", "our",
	"team", "manager", "office", "email", "phone", "letter", "online"
};
static const char *channels[] = {
	"email", "email", "email", "phone", "phone", "chat", "letter",
	"web form"
};
static const char *ticket_titles[] = {
	"Cannot log in", "Invoice question", "Delivery late",
	"Wrong item received", "Refund request", "Change of address",
	"Password reset", "Damaged parcel", "Billing error",
	"Upgrade enquiry", "Cancel subscription", "Missing part"
};
static const char *ticket_status[] = {
	"closed", "closed", "closed", "open", "pending"
};
static const char *web_paths[] = {
	"/", "/products", "/products/%u", "/basket", "/checkout", "/account",
	"/contact", "/blog/%u", "/search?q=item%u", "/help", "/pricing",
	"/login"
};
static const char *user_agents[] = {
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
	    "(KHTML, like Gecko) Chrome/130.0 Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 "
	    "(KHTML, like Gecko) Version/18.0 Safari/605.1.15",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) "
	    "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
	"Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 "
	    "Firefox/132.0",
	"Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like "
	    "Gecko) Chrome/130.0 Mobile Safari/537.36",
	"Googlebot/2.1 (+http://www.google.com/bot.html)"
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z;

	z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void
rng_seed(struct rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
rng_next(struct rng *r)
{
	uint64_t result, t;

	result = rotl(r->s[1] * 5, 7) * 9;
	t = r->s[1] << 17;
	r->s[2] ^= r->s[0];
	r->s[3] ^= r->s[1];
	r->s[1] ^= r->s[2];
	r->s[0] ^= r->s[3];
	r->s[2] ^= t;
	r->s[3] = rotl(r->s[3], 45);
	return result;
}

/* rng_below: a number in [0, n), n > 0 (multiply-shift; bias < 2^-32). */
static uint64_t
rng_below(struct rng *r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)rng_next(r) * n) >> 64);
}

/* rng_between: a number in [lo, hi]; lo <= hi. */
static uint32_t
rng_between(struct rng *r, uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)rng_below(r, (uint64_t)hi - lo + 1);
}

/* put_digits: write v as exactly w decimal digits at p. */
static void
put_digits(char *p, int64_t v, int w)
{
	while (w-- > 0) {
		p[w] = (char)('0' + v % 10);
		v /= 10;
	}
}

/*
 * fmt_time: write t as "YYYY-MM-DDTHH:MM:SSZ" into buf (n >= 21), t from
 * year 0 to 9999.  Civil date from days after Howard Hinnant's algorithm.
 * By hand: this runs for every row, and snprintf would be half the time.
 */
static void
fmt_time(int64_t t, char *buf, size_t n)
{
	int64_t days, secs, z, era, doe, yoe, y, doy, mp, d, m;

	assert(n >= 21 && t >= -62167219200 && t < 253402300800);
	days = t / DAY;
	secs = t % DAY;
	if (secs < 0) {
		secs += DAY;
		days--;
	}
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	if (m <= 2)
		y++;
	memcpy(buf, "0000-00-00T00:00:00Z", 21);
	put_digits(buf, y, 4);
	put_digits(buf + 5, m, 2);
	put_digits(buf + 8, d, 2);
	put_digits(buf + 11, secs / 3600, 2);
	put_digits(buf + 14, secs / 60 % 60, 2);
	put_digits(buf + 17, secs % 60, 2);
}

/* fmt_uuid: u in the 8-4-4-4-12 form into buf (n >= 37). */
static void
fmt_uuid(const uint8_t u[16], char *buf, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, k = 0;

	assert(n >= 37);
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			buf[k++] = '-';
		buf[k++] = hex[u[i] >> 4];
		buf[k++] = hex[u[i] & 15];
	}
	buf[k] = '\0';
}

static void
fmt_email(const struct gen *g, size_t i, char *buf, size_t n)
{
	snprintf(buf, n, "user%zu.%06" PRIx32 "@example.com", i + 1,
	    g->subj[i].email_rand & 0xffffff);
}

/* fmt_phone: the subject's phone as typed, or 0 when it has none. */
static int
fmt_phone(const struct subject *s, char *buf, size_t n)
{
	unsigned hi = s->phone / 1000000, lo = s->phone % 1000000;

	switch (s->phone_fmt) {
	case 0:
		snprintf(buf, n, "+44 7%03u %06u", hi, lo);
		return 1;
	case 1:
		snprintf(buf, n, "07%03u %06u", hi, lo);
		return 1;
	case 2:
		snprintf(buf, n, "+447%03u%06u", hi, lo);
		return 1;
	default:
		return 0;
	}
}

static void
fmt_name(const struct subject *s, char *buf, size_t n)
{
	snprintf(buf, n, "%s %s", first_names[s->first], last_names[s->last]);
}

static void
fmt_address(const struct subject *s, char *buf, size_t n)
{
	snprintf(buf, n, "%u %s, %s", s->street_no, streets[s->street],
	    towns[s->town]);
}

/*
 * fmt_text: random prose of lo to hi bytes into buf (size n > hi + 64),
 * optionally opening with a greeting to `name` and mentioning `contact`.
 */
static void
fmt_text(struct rng *r, char *buf, size_t n, uint32_t lo, uint32_t hi,
    const char *name, const char *contact)
{
	size_t len = 0, target;
	int cap = 1;

	target = rng_between(r, lo, hi);
	if (name != NULL)
		len = (size_t)snprintf(buf, n, "Dear %s, ", name);
	if (contact != NULL && len < target) {
		len += (size_t)snprintf(buf + len, n - len,
		    "%s can reach me at %s. ", len == 0 ? "You" : "you",
		    contact);
	}
	while (len < target && len + 24 < n) {
		const char *w = words[rng_below(r, NELEM(words))];
		size_t wl = strlen(w);

		if (len > 0 && buf[len - 1] != ' ')
			buf[len++] = ' ';
		memcpy(buf + len, w, wl);
		if (cap)
			buf[len] = (char)(buf[len] - 'a' + 'A');
		len += wl;
		cap = 0;
		if (rng_below(r, 9) == 0) {
			buf[len++] = '.';
			cap = 1;
		}
	}
	if (len > 0 && buf[len - 1] != '.' && len + 1 < n)
		buf[len++] = '.';
	buf[len] = '\0';
}

static int
sql_fail(sqlite3 *db, const char *what)
{
	fprintf(stderr, "gen: %s: %s\n", what, sqlite3_errmsg(db));
	return -1;
}

static int
exec_sql(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "gen: %.60s...: %s\n", sql,
		    err != NULL ? err : sqlite3_errmsg(db));
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

/* step_reset: run a bound insert once and make it ready for the next. */
static int
step_reset(sqlite3 *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return sql_fail(db, "insert");
	return 0;
}

static int
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT) ==
	    SQLITE_OK ? 0 : -1;
}

static int
bind_time(struct gen *g, sqlite3_stmt *st, int i, uint32_t at)
{
	char buf[64];

	fmt_time(g->start + at, buf, sizeof(buf));
	return bind_text(st, i, buf);
}

/*
 * ev_add: append an event; returns 0, or -1 when out of memory or when
 * the event numbers no longer fit.
 */
static int
ev_add(struct gen *g, uint32_t at, uint32_t subj, enum ev_type type)
{
	if (g->nev >= (UINT32_MAX >> 3)) {
		fprintf(stderr, "gen: too many rows\n");
		return -1;
	}
	if (g->nev == g->capev) {
		size_t cap = g->capev ? g->capev * 2 : 1 << 16;
		struct event *ev = realloc(g->ev, cap * sizeof(*ev));

		if (ev == NULL) {
			fprintf(stderr, "gen: out of memory\n");
			return -1;
		}
		g->ev = ev;
		g->capev = cap;
	}
	g->ev[g->nev].at = at;
	g->ev[g->nev].subj = subj;
	g->ev[g->nev].seq_type = (uint32_t)g->nev << 3 | (uint32_t)type;
	g->nev++;
	return 0;
}

static int
ev_cmp(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	if (x->seq_type != y->seq_type)
		return x->seq_type < y->seq_type ? -1 : 1;
	return 0;
}

/*
 * plan: draw every subject and the dates of every row.  Returns 0, or -1
 * after reporting the error.
 */
static int
plan(struct gen *g)
{
	struct rng *r = &g->rng;
	uint32_t span = SPAN_DAYS * DAY;
	uint32_t cutoff = span - 366 * DAY;	/* stale before this */
	uint32_t fresh = span - 364 * DAY;	/* fresh from this */
	uint64_t nweb;
	size_t i;
	uint32_t k, n;

	g->subj = calloc(g->nsubj, sizeof(*g->subj));
	if (g->subj == NULL) {
		fprintf(stderr, "gen: out of memory\n");
		return -1;
	}
	for (i = 0; i < g->nsubj; i++) {
		struct subject *s = &g->subj[i];
		uint64_t u0 = rng_next(r), u1 = rng_next(r);
		uint32_t pick, slot_lo, slot_hi;

		memcpy(s->uuid, &u0, 8);
		memcpy(s->uuid + 8, &u1, 8);
		s->uuid[6] = (s->uuid[6] & 0x0f) | 0x40;
		s->uuid[8] = (s->uuid[8] & 0x3f) | 0x80;

		/* Created in order, each in its own slot of the span. */
		slot_lo = (uint32_t)((uint64_t)span * i / g->nsubj);
		slot_hi = (uint32_t)((uint64_t)span * (i + 1) / g->nsubj);
		s->created = slot_hi > slot_lo ?
		    rng_between(r, slot_lo, slot_hi - 1) : slot_lo;

		pick = (uint32_t)rng_below(r, 100);
		s->kind = pick < 40 ? K_LEAD : pick < 85 ? K_CLIENT :
		    K_SUPPLIER;
		if (s->kind == K_LEAD) {
			/*
			 * Two thirds of leads were created before the
			 * cutoff; 22.5% of those stale is 15% of all.
			 */
			if (s->created < cutoff &&
			    rng_below(r, 1000) < STALE_PCT * 1000 * 3 / 2 /
			    100)
				s->last_contact = rng_between(r, s->created,
				    cutoff - 1);
			else
				s->last_contact = rng_between(r,
				    s->created > fresh ? s->created : fresh,
				    span - 1);
		} else {
			s->last_contact = rng_between(r, s->created, span - 1);
		}
		s->email_rand = (uint32_t)rng_next(r);
		/* 3^18 is prime to 10^9: distinct subjects, distinct phones */
		s->phone = (uint32_t)(((uint64_t)i * 387420489u + 12345) %
		    1000000000u);
		pick = (uint32_t)rng_below(r, 10);
		s->phone_fmt = pick < 6 ? 0 : pick < 8 ? 1 : pick < 9 ? 2 : 3;
		s->first = (uint8_t)rng_below(r, NELEM(first_names));
		s->last = (uint8_t)rng_below(r, NELEM(last_names));
		s->street = (uint8_t)rng_below(r, NELEM(streets));
		s->town = (uint8_t)rng_below(r, NELEM(towns));
		s->street_no = (uint16_t)rng_between(r, 1, 240);

		if (ev_add(g, s->created, (uint32_t)i, EV_SUBJECT) == -1)
			return -1;
		/* ~5 communications, the last one at the last contact */
		n = rng_between(r, 3, 7);
		if (ev_add(g, s->last_contact, (uint32_t)i, EV_COMM) == -1)
			return -1;
		for (k = 1; k < n; k++) {
			if (ev_add(g, rng_between(r, s->created,
			    s->last_contact), (uint32_t)i, EV_COMM) == -1)
				return -1;
		}
		/* ~1 ticket */
		n = rng_between(r, 0, 2);
		for (k = 0; k < n; k++) {
			if (ev_add(g, rng_between(r, s->created,
			    s->last_contact), (uint32_t)i, EV_TICKET) == -1)
				return -1;
		}
		if (s->kind == K_CLIENT) {
			n = rng_between(r, 1, 4);
			for (k = 0; k < n; k++) {
				if (ev_add(g, rng_between(r, s->created,
				    span - 1), (uint32_t)i, EV_INVOICE) == -1)
					return -1;
			}
			n = rng_between(r, 0, 2);
			for (k = 0; k < n; k++) {
				if (ev_add(g, rng_between(r, s->created,
				    span - 1), (uint32_t)i, EV_ORDER) == -1)
					return -1;
			}
		}
		/* guest checkouts: people who are not subjects */
		if (i % 10 == 0 && ev_add(g, rng_between(r, 0, span - 1),
		    (uint32_t)i, EV_GUEST) == -1)
			return -1;
	}
	/* The web log: 2 rows a subject over the last 60 days, in order. */
	nweb = 2 * (uint64_t)g->nsubj;
	for (i = 0; i < nweb; i++) {
		uint32_t at = span - WEBLOG_DAYS * DAY +
		    (uint32_t)((uint64_t)WEBLOG_DAYS * DAY * i / nweb);

		if (ev_add(g, at, (uint32_t)i, EV_WEBLOG) == -1)
			return -1;
	}
	qsort(g->ev, g->nev, sizeof(*g->ev), ev_cmp);
	return 0;
}

static int
prepare(struct gen *g)
{
	static const struct {
		size_t off;
		const char *sql;
	} st[] = {
		{ offsetof(struct gen, ins_subject),
		  "INSERT INTO subjects(id, kind, name, email, phone, address,"
		  " created_at, last_contact_at) VALUES (?,?,?,?,?,?,?,?)" },
		{ offsetof(struct gen, ins_comm),
		  "INSERT INTO communications(subject_id, at, channel, body)"
		  " VALUES (?,?,?,?)" },
		{ offsetof(struct gen, ins_ticket),
		  "INSERT INTO tickets(subject_id, opened_at, title, body,"
		  " status) VALUES (?,?,?,?,?)" },
		{ offsetof(struct gen, ins_invoice),
		  "INSERT INTO invoices(subject_id, number, issued_at,"
		  " amount_cents, billing_name, billing_address)"
		  " VALUES (?,?,?,?,?,?)" },
		{ offsetof(struct gen, ins_order),
		  "INSERT INTO orders(customer_email, customer_name,"
		  " delivery_address, placed_at, total_cents)"
		  " VALUES (?,?,?,?,?)" },
		{ offsetof(struct gen, ins_weblog),
		  "INSERT INTO web_log(at, ip, path, user_agent)"
		  " VALUES (?,?,?,?)" },
	};
	size_t i;

	for (i = 0; i < NELEM(st); i++) {
		sqlite3_stmt **p = (sqlite3_stmt **)((char *)g + st[i].off);

		if (sqlite3_prepare_v2(g->db, st[i].sql, -1, p, NULL) !=
		    SQLITE_OK)
			return sql_fail(g->db, "prepare");
	}
	return 0;
}

/*
 * order_email: the client's email as typed on an order: mostly as stored,
 * some with capitals or blanks, which match once normalised.
 */
static void
order_email(struct gen *g, size_t i, char *buf, size_t n)
{
	char email[64];
	uint64_t pick;
	size_t k;

	fmt_email(g, i, email, sizeof(email));
	if (rng_below(&g->rng, 100) >= VARIANT_PCT) {
		snprintf(buf, n, "%s", email);
		return;
	}
	pick = rng_below(&g->rng, 3);
	if (pick == 0) {
		for (k = 0; email[k] != '\0'; k++) {
			if (email[k] >= 'a' && email[k] <= 'z')
				email[k] = (char)(email[k] - 'a' + 'A');
		}
		snprintf(buf, n, "%s", email);
	} else if (pick == 1) {
		email[0] = 'U';
		snprintf(buf, n, "%s", email);
	} else {
		snprintf(buf, n, " %s ", email);
	}
}

/*
 * emit: insert the row of one event.  Returns 0, or -1 after reporting
 * the error.
 */
static int
emit(struct gen *g, const struct event *e)
{
	struct rng *r = &g->rng;
	const struct subject *s = &g->subj[e->subj];
	char id[40], name[64], email[80], phone[32], addr[128], num[32];
	char text[512];
	const char *greet, *contact;
	sqlite3_stmt *st;
	size_t i = e->subj;
	int has_phone;

	switch ((enum ev_type)(e->seq_type & 7)) {
	case EV_SUBJECT:
		st = g->ins_subject;
		fmt_uuid(s->uuid, id, sizeof(id));
		fmt_name(s, name, sizeof(name));
		fmt_email(g, i, email, sizeof(email));
		fmt_address(s, addr, sizeof(addr));
		has_phone = fmt_phone(s, phone, sizeof(phone));
		if (bind_text(st, 1, id) || bind_text(st, 2,
		    s->kind == K_LEAD ? "lead" : s->kind == K_CLIENT ?
		    "client" : "supplier") || bind_text(st, 3, name) ||
		    bind_text(st, 4, email) ||
		    (has_phone && bind_text(st, 5, phone)) ||
		    bind_text(st, 6, addr) ||
		    bind_time(g, st, 7, s->created) ||
		    bind_time(g, st, 8, s->last_contact))
			return sql_fail(g->db, "bind subject");
		break;
	case EV_COMM:
		st = g->ins_comm;
		fmt_uuid(s->uuid, id, sizeof(id));
		fmt_name(s, name, sizeof(name));
		fmt_email(g, i, email, sizeof(email));
		has_phone = fmt_phone(s, phone, sizeof(phone));
		/* one draw a statement: argument order is unspecified */
		greet = rng_below(r, 2) ? name : NULL;
		contact = NULL;
		if (rng_below(r, 10) == 0)
			contact = email;
		else if (rng_below(r, 10) == 0 && has_phone)
			contact = phone;
		fmt_text(r, text, sizeof(text), 100, 300, greet, contact);
		if (bind_text(st, 1, id) || bind_time(g, st, 2, e->at) ||
		    bind_text(st, 3, channels[rng_below(r,
		    NELEM(channels))]) || bind_text(st, 4, text))
			return sql_fail(g->db, "bind communication");
		break;
	case EV_TICKET:
		st = g->ins_ticket;
		fmt_uuid(s->uuid, id, sizeof(id));
		fmt_text(r, text, sizeof(text), 60, 200, NULL, NULL);
		if (bind_text(st, 1, id) || bind_time(g, st, 2, e->at) ||
		    bind_text(st, 3, ticket_titles[rng_below(r,
		    NELEM(ticket_titles))]) || bind_text(st, 4, text) ||
		    bind_text(st, 5, ticket_status[rng_below(r,
		    NELEM(ticket_status))]))
			return sql_fail(g->db, "bind ticket");
		break;
	case EV_INVOICE:
		st = g->ins_invoice;
		fmt_uuid(s->uuid, id, sizeof(id));
		fmt_name(s, name, sizeof(name));
		fmt_address(s, addr, sizeof(addr));
		snprintf(num, sizeof(num), "INV-%08" PRIu64,
		    ++g->invoice_no);
		if (bind_text(st, 1, id) || bind_text(st, 2, num) ||
		    bind_time(g, st, 3, e->at) ||
		    sqlite3_bind_int64(st, 4, (sqlite3_int64)rng_between(r,
		    1000, 500000)) != SQLITE_OK || bind_text(st, 5, name) ||
		    bind_text(st, 6, addr))
			return sql_fail(g->db, "bind invoice");
		break;
	case EV_ORDER:
	case EV_GUEST:
		st = g->ins_order;
		if ((e->seq_type & 7) == EV_ORDER) {
			order_email(g, i, email, sizeof(email));
			fmt_name(s, name, sizeof(name));
			fmt_address(s, addr, sizeof(addr));
		} else {
			struct subject guest;

			memset(&guest, 0, sizeof(guest));
			guest.first = (uint8_t)rng_below(r,
			    NELEM(first_names));
			guest.last = (uint8_t)rng_below(r, NELEM(last_names));
			guest.street = (uint8_t)rng_below(r, NELEM(streets));
			guest.town = (uint8_t)rng_below(r, NELEM(towns));
			guest.street_no = (uint16_t)rng_between(r, 1, 240);
			snprintf(email, sizeof(email),
			    "guest%zu.%06" PRIx64 "@example.net", i + 1,
			    rng_next(r) & 0xffffff);
			fmt_name(&guest, name, sizeof(name));
			fmt_address(&guest, addr, sizeof(addr));
		}
		if (bind_text(st, 1, email) || bind_text(st, 2, name) ||
		    bind_text(st, 3, addr) || bind_time(g, st, 4, e->at) ||
		    sqlite3_bind_int64(st, 5, (sqlite3_int64)rng_between(r,
		    500, 250000)) != SQLITE_OK)
			return sql_fail(g->db, "bind order");
		break;
	case EV_WEBLOG: {
		const char *path = web_paths[rng_below(r, NELEM(web_paths))];
		uint32_t ip = (uint32_t)rng_next(r);

		st = g->ins_weblog;
		snprintf(addr, sizeof(addr), "%u.%u.%u.%u",
		    1 + (ip >> 24) % 223, (ip >> 16) & 255, (ip >> 8) & 255,
		    ip & 255);
		snprintf(text, sizeof(text), path,
		    (unsigned)rng_between(r, 1, 5000));
		if (bind_time(g, st, 1, e->at) || bind_text(st, 2, addr) ||
		    bind_text(st, 3, text) || bind_text(st, 4,
		    user_agents[rng_below(r, NELEM(user_agents))]))
			return sql_fail(g->db, "bind web_log");
		break;
	}
	default:
		fprintf(stderr, "gen: bad event type\n");
		return -1;
	}
	return step_reset(g->db, st);
}

/*
 * write_requests: write the emails of a random REQUEST_PCT% of subjects,
 * in random order, to path.  Returns 0, or -1 after reporting the error.
 */
static int
write_requests(struct gen *g, uint64_t seed, const char *path)
{
	struct rng r;
	uint32_t *pick = NULL;
	size_t want, have = 0, i;
	FILE *fp = NULL;
	char email[64];
	int rc = -1;

	rng_seed(&r, seed ^ 0x5265717565737473ULL);
	want = (g->nsubj * REQUEST_PCT + 50) / 100;
	if ((pick = malloc((want ? want : 1) * sizeof(*pick))) == NULL) {
		fprintf(stderr, "gen: out of memory\n");
		goto done;
	}
	/* Selection sampling (Knuth's algorithm S): exactly `want`. */
	for (i = 0; i < g->nsubj && have < want; i++) {
		if (rng_below(&r, g->nsubj - i) < want - have)
			pick[have++] = (uint32_t)i;
	}
	/* Fisher-Yates: requests arrive in no particular order. */
	for (i = have; i > 1; i--) {
		size_t j = (size_t)rng_below(&r, i);
		uint32_t t = pick[i - 1];

		pick[i - 1] = pick[j];
		pick[j] = t;
	}
	if ((fp = fopen(path, "w")) == NULL) {
		fprintf(stderr, "gen: cannot create '%s': %s\n", path,
		    strerror(errno));
		goto done;
	}
	for (i = 0; i < have; i++) {
		fmt_email(g, pick[i], email, sizeof(email));
		fprintf(fp, "%s\n", email);
	}
	if (fflush(fp) == EOF || ferror(fp)) {
		fprintf(stderr, "gen: cannot write '%s': %s\n", path,
		    strerror(errno));
		goto done;
	}
	rc = 0;
done:
	if (fp != NULL && fclose(fp) == EOF && rc == 0) {
		fprintf(stderr, "gen: cannot write '%s': %s\n", path,
		    strerror(errno));
		rc = -1;
	}
	free(pick);
	return rc;
}

/* parse_u64: a decimal number in [lo, hi]; returns 0, or -1. */
static int
parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

int
main(int argc, char **argv)
{
	struct gen g;
	struct stat sb;
	struct timespec t0;
	uint64_t n, seed, now;
	size_t i;
	int rc = 1, in_tx = 0;

	memset(&g, 0, sizeof(g));
	if (argc != 6) {
		fprintf(stderr, "usage: gen OUT.db N_SUBJECTS SEED NOW_UNIX "
		    "REQUESTS_OUT\n");
		return 64;
	}
	if (parse_u64(argv[2], 1, MAX_SUBJECTS, &n) == -1) {
		fprintf(stderr, "gen: bad subject count '%s' (1 to %d)\n",
		    argv[2], MAX_SUBJECTS);
		return 64;
	}
	if (parse_u64(argv[3], 0, UINT64_MAX, &seed) == -1) {
		fprintf(stderr, "gen: bad seed '%s'\n", argv[3]);
		return 64;
	}
	if (parse_u64(argv[4], (uint64_t)SPAN_DAYS * DAY, INT64_MAX / 2,
	    &now) == -1) {
		fprintf(stderr, "gen: bad time '%s'\n", argv[4]);
		return 64;
	}
	if (stat(argv[1], &sb) == 0 || errno != ENOENT) {
		fprintf(stderr, "gen: '%s' already exists\n", argv[1]);
		return 64;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	g.nsubj = (size_t)n;
	g.now = (int64_t)now;
	g.start = g.now - (int64_t)SPAN_DAYS * DAY;
	rng_seed(&g.rng, seed);

	if (plan(&g) == -1)
		goto done;
	if (write_requests(&g, seed, argv[5]) == -1)
		goto done;
	if (sqlite3_open_v2(argv[1], &g.db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		sql_fail(g.db, argv[1]);
		goto done;
	}
	if (exec_sql(g.db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
	    " PRAGMA cache_size=-1048576; PRAGMA locking_mode=EXCLUSIVE;") ==
	    -1 || exec_sql(g.db, "BEGIN") == -1)
		goto done;
	in_tx = 1;
	if (exec_sql(g.db, DEMO_SCHEMA) == -1 || prepare(&g) == -1)
		goto done;
	for (i = 0; i < g.nev; i++) {
		if (emit(&g, &g.ev[i]) == -1)
			goto done;
	}
	if (exec_sql(g.db, "COMMIT") == -1)
		goto done;
	in_tx = 0;
	if (exec_sql(g.db, "PRAGMA locking_mode=NORMAL;"
	    " PRAGMA journal_mode=WAL;") == -1)
		goto done;
	fprintf(stderr, "gen: %zu subjects, %zu rows in %.1fs\n", g.nsubj,
	    g.nev, seconds_since(&t0));
	rc = 0;
done:
	if (in_tx)
		sqlite3_exec(g.db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_finalize(g.ins_subject);
	sqlite3_finalize(g.ins_comm);
	sqlite3_finalize(g.ins_ticket);
	sqlite3_finalize(g.ins_invoice);
	sqlite3_finalize(g.ins_order);
	sqlite3_finalize(g.ins_weblog);
	if (g.db != NULL && sqlite3_close(g.db) != SQLITE_OK) {
		fprintf(stderr, "gen: cannot close '%s': %s\n", argv[1],
		    sqlite3_errmsg(g.db));
		rc = 1;
	}
	free(g.ev);
	free(g.subj);
	return rc;
}
