/*
 * demo.c: the reference live store that `lethe init --demo DIR` writes.
 *
 * Every random choice comes from one xorshift64 stream seeded by the
 * caller and every date is counted back from `now`, so one seed and one
 * time always give the same bytes.  The people are made first (they refer
 * to each other), then live.db is written in one transaction, then
 * demo_files.c writes the files that go with them; lethe.ini comes last,
 * so its presence marks a finished demo.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>
#include <uuid/uuid.h>

#include "db.h"
#include "demo.h"
#include "demo_priv.h"
#include "fsutil.h"
#include "log.h"
#include "timeutil.h"
#include "util.h"
#include "banned.h"

#define N_LEADS		120
#define N_EDGE		4	/* leads 2 days either side of 12 months */
#define N_STALE		35	/* leads 13 to 30 months without contact */
#define N_CLIENTS	120
#define N_SUPPLIERS	60
#define N_PEOPLE	(N_LEADS + N_CLIENTS + N_SUPPLIERS)
#define N_REFERRALS	6	/* clients naming a stale lead in a message */
#define N_WEB_LOG	2000
#define DAY		((int64_t)86400)

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define PICK(g, a)	((a)[next(g) % NELEM(a)])

enum { ST_SUBJECT, ST_COMM, ST_TICKET, ST_INVOICE, ST_ORDER, ST_WEB, ST_N };

static const char *const insert_sql[ST_N] = {
	"INSERT INTO subjects(id, kind, name, email, phone, address,"
	" created_at, last_contact_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	"INSERT INTO communications(subject_id, at, channel, body)"
	" VALUES (?, ?, ?, ?)",
	"INSERT INTO tickets(subject_id, opened_at, title, body, status)"
	" VALUES (?, ?, ?, ?, ?)",
	"INSERT INTO invoices(subject_id, number, issued_at, amount_cents,"
	" billing_name, billing_address) VALUES (?, ?, ?, ?, ?, ?)",
	"INSERT INTO orders(customer_email, customer_name, delivery_address,"
	" placed_at, total_cents) VALUES (?, ?, ?, ?, ?)",
	"INSERT INTO web_log(at, ip, path, user_agent) VALUES (?, ?, ?, ?)",
};

static const char *const first_names[] = {
	"Alice", "Bob", "Chloe", "Daniel", "Emma", "Farah", "George",
	"Hannah", "Isaac", "Jasmine", "Kwame", "Laura", "Mohammed", "Niamh",
	"Oliver", "Priya", "Quentin", "Rosa", "Samuel", "Tariq", "Una",
	"Victor", "Wei", "Yasmin", "Zoe",
};
static const char *const last_names[] = {
	"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson",
	"Davies", "Patel", "Wright", "Khan", "Evans", "Thomas", "Roberts",
	"O'Brien", "Walker", "Hughes", "Edwards", "Green", "Hall", "Wood",
	"Clarke", "Ahmed", "Murphy",
};
static const char *const domains[] = {
	"example.com", "example.org", "example.net",
};
static const char *const streets[] = {
	"High Street", "Station Road", "Mill Lane", "Church Road",
	"Park Avenue", "Victoria Road", "Queen's Walk", "Granary Yard",
};
static const char *const towns[] = {
	"Leeds LS6 2QT", "Bristol BS1 4DJ", "York YO1 7HH", "Norwich NR2 1TF",
	"Cardiff CF10 3AT", "Glasgow G12 8QQ", "Manchester M4 1HN",
	"Brighton BN1 1AE",
};
static const char *const channels[] = { "email", "phone", "letter" };
static const char *const topics[] = {
	"the spring catalogue", "delivery times", "a quote for a new kitchen",
	"our opening hours", "the annual service plan", "a missing parcel",
	"trade prices",
};
static const char *const ticket_titles[] = {
	"Parcel arrived damaged", "Wrong size delivered", "Cannot log in",
	"Refund request", "Question about an invoice",
	"Change of delivery date",
};
static const char *const ticket_bodies[] = {
	"Customer asked us to look into this.",
	"Photos received, replacement sent.",
	"Escalated to the warehouse.",
	"Resolved on the phone.",
};
static const char *const web_nets[] = { "203.0.113", "198.51.100" };
static const char *const web_paths[] = {
	"/", "/products", "/products/kitchens", "/contact", "/about",
	"/blog/spring-sale", "/basket", "/checkout", "/favicon.ico",
	"/robots.txt",
};
static const char *const user_agents[] = {
	"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101"
	" Firefox/128.0",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36"
	" (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)"
	" AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148"
	" Safari/604.1",
	"curl/8.5.0",
	"Mozilla/5.0 (compatible; Googlebot/2.1;"
	" +http://www.google.com/bot.html)",
};

/* What a message says; ARG_ names what fills its %s. */
enum { ARG_TOPIC, ARG_PHONE, ARG_EMAIL };
static const struct {
	const char *fmt;
	int arg;
} messages[] = {
	{ "Asked about %s.", ARG_TOPIC },
	{ "Thanks for the quick reply about %s.", ARG_TOPIC },
	{ "Sent our letter about %s.", ARG_TOPIC },
	{ "Left a voicemail about %s.", ARG_TOPIC },
	{ "Booked a visit to talk about %s.", ARG_TOPIC },
	{ "Asked for a brochure on %s.", ARG_TOPIC },
	{ "Please call me on %s, any time after 5pm.", ARG_PHONE },
	{ "You can also reach me at %s.", ARG_EMAIL },	/* stands in for */
};							/* the one above */

struct gen {
	sqlite3 *db;
	sqlite3_stmt *st[ST_N];
	uint64_t rng;
	int64_t now;
	struct demo_person *people;
	int invoice_seq;
};

/*
 * The random stream.  Each call is its own statement: C leaves the order
 * of calls within one expression (function arguments) unspecified.
 */
static void
seed_rng(struct gen *g, unsigned seed)
{
	uint64_t z = (uint64_t)seed + 0x9e3779b97f4a7c15ULL;	/* splitmix64 */

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	g->rng = z != 0 ? z : 0x9e3779b97f4a7c15ULL;
}

static uint64_t
next(struct gen *g)
{
	uint64_t x = g->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return g->rng = x;
}

/* between: a number from lo to hi, both included. */
static int64_t
between(struct gen *g, int64_t lo, int64_t hi)
{
	if (hi <= lo)
		return lo;
	return lo + (int64_t)(next(g) % (uint64_t)(hi - lo + 1));
}

/*
 * months_back: t moved k calendar months into the past, the day clamped
 * to the month's end, the time of day kept.
 */
static int64_t
months_back(int64_t t, int k)
{
	int y, m, d, y2, m2, d2;
	int64_t months, tod, r;

	tod = (t % DAY + DAY) % DAY;
	time_civil(t, &y, &m, &d);
	months = (int64_t)y * 12 + (m - 1) - k;
	y = (int)(months / 12);
	m = (int)(months % 12) + 1;
	for (;;) {
		r = time_from_civil(y, m, d);
		time_civil(r, &y2, &m2, &d2);
		if (m2 == m)
			return r + tod;
		d--;
	}
}

/* make_id: a version 4 UUID whose bytes come from the stream. */
static void
make_id(struct gen *g, char *out)
{
	uuid_t u;
	uint64_t a, b;
	int i;

	a = next(g);
	b = next(g);
	for (i = 0; i < 8; i++) {
		u[i] = (unsigned char)(a >> (8 * i));
		u[8 + i] = (unsigned char)(b >> (8 * i));
	}
	u[6] = (u[6] & 0x0f) | 0x40;
	u[8] = (u[8] & 0x3f) | 0x80;
	uuid_unparse_lower(u, out);
}

/*
 * make_phone: a number in Ofcom's drama ranges, unique per index i, stored
 * in one of three formats and said in another (bodies show that
 * normalisation matters).  One person in twenty has none.
 */
static void
make_phone(struct gen *g, struct demo_person *p, int i)
{
	char forms[3][24];
	const char *group;
	char *s, *d;
	int fmt, num = (i * 37 + 101) % 1000;

	p->phone[0] = p->phone_say[0] = '\0';
	if (next(g) % 20 == 0)
		return;
	group = next(g) % 4 == 0 ? "20 7946 0" : "7700 900";
	snprintf(forms[0], sizeof(forms[0]), "+44 %s%03d", group, num);
	snprintf(forms[1], sizeof(forms[1]), "0%s%03d", group, num);
	for (s = forms[0], d = forms[2]; *s != '\0'; s++)
		if (*s != ' ')
			*d++ = *s;
	*d = '\0';
	fmt = (int)(next(g) % 3);
	snprintf(p->phone, sizeof(p->phone), "%s", forms[fmt]);
	snprintf(p->phone_say, sizeof(p->phone_say), "%s",
		 forms[(fmt + 1) % 3]);
}

/* make_dates: created_at, last_contact_at and the invoices of person i. */
static void
make_dates(struct gen *g, struct demo_person *p, int i)
{
	int64_t now = g->now, t;
	int k, j, y, m, d;

	if (i < N_EDGE) {		/* even: kept, odd: just expired */
		p->last = months_back(now, 12) + (i % 2 ? -2 : 2) * DAY;
		p->created = p->last - between(g, 0, 120 * DAY);
	} else if (i < N_EDGE + N_STALE) {
		t = months_back(now, 13);
		p->last = between(g, months_back(now, 30), t);
		p->created = p->last - between(g, 0, 120 * DAY);
	} else if (i < N_LEADS) {
		p->last = between(g, months_back(now, 11), now);
		p->created = p->last - between(g, 0, 120 * DAY);
	} else if (i < N_LEADS + N_CLIENTS) {
		p->ninvoices = (int)between(g, 1, DEMO_MAX_INVOICES);
		for (k = 0; k < p->ninvoices; k++) {
			t = between(g, months_back(now, 108), now - DAY);
			for (j = k; j > 0 && p->invoice_at[j - 1] > t; j--)
				p->invoice_at[j] = p->invoice_at[j - 1];
			p->invoice_at[j] = t;
		}
		for (k = 0; k < p->ninvoices; k++) {
			time_civil(p->invoice_at[k], &y, &m, &d);
			snprintf(p->invoice[k], sizeof(p->invoice[k]),
				 "INV-%04d-%04d", y, ++g->invoice_seq % 10000);
		}
		p->created = p->invoice_at[0] - between(g, 7 * DAY, 365 * DAY);
		p->last = between(g, now - 180 * DAY, now);
		if (p->last < p->invoice_at[p->ninvoices - 1])
			p->last = p->invoice_at[p->ninvoices - 1];
	} else {
		p->created = between(g, months_back(now, 96), now - 30 * DAY);
		p->last = between(g, p->created, now);
	}
}

static void
make_person(struct gen *g, struct demo_person *p, int i)
{
	const char *first, *last, *street, *town;
	char *s, *d;
	int num;

	make_id(g, p->id);
	p->kind = i < N_LEADS ? "lead" :
		  i < N_LEADS + N_CLIENTS ? "client" : "supplier";
	p->referral = -1;
	first = PICK(g, first_names);
	last = PICK(g, last_names);
	if (i < N_LEADS + N_CLIENTS && next(g) % 15 == 0)
		snprintf(p->name, sizeof(p->name), "%s, %s", last, first);
	else
		snprintf(p->name, sizeof(p->name), "%s %s", first, last);
	snprintf(p->email, sizeof(p->email), "%s.%s%d@%s", first, last, i + 1,
		 domains[i % NELEM(domains)]);
	for (s = d = p->email; *s != '\0'; s++)
		if (*s != '\'')
			*d++ = (char)tolower((unsigned char)*s);
	*d = '\0';
	make_phone(g, p, i);
	num = (int)between(g, 1, 180);
	street = PICK(g, streets);
	town = PICK(g, towns);
	snprintf(p->address, sizeof(p->address), "%d %s, %s", num, street,
		 town);
	make_dates(g, p, i);
	if (strcmp(p->kind, "client") == 0 && next(g) % 10 < 3)
		p->attachments = 1 + (int)(next(g) % 2);
}

static void
make_people(struct gen *g)
{
	int i, a, b;

	for (i = 0; i < N_PEOPLE; i++)
		make_person(g, &g->people[i], i);
	for (i = 0; i < N_REFERRALS; i++) {
		a = (int)between(g, N_LEADS, N_LEADS + N_CLIENTS - 1);
		b = (int)between(g, N_EDGE, N_EDGE + N_STALE - 1);
		g->people[a].referral = b;
	}
}

/*
 * insert: run statement `which` with one argument per letter of types:
 * 's' a const char * (NULL binds NULL), 'i' an int64_t.  Returns 0, or -1
 * after reporting.
 */
static int
insert(struct gen *g, int which, const char *types, ...)
{
	sqlite3_stmt *st = g->st[which];
	const char *s;
	va_list ap;
	int i, rc = SQLITE_OK;

	va_start(ap, types);
	for (i = 0; types[i] != '\0' && rc == SQLITE_OK; i++) {
		if (types[i] == 'i')
			rc = sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
		else if ((s = va_arg(ap, const char *)) == NULL)
			rc = sqlite3_bind_null(st, i + 1);
		else
			rc = sqlite3_bind_text(st, i + 1, s, -1, SQLITE_STATIC);
	}
	va_end(ap);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		db_fail(g->db, "write the demo store");
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return 0;
}

/* write_comms: three to seven messages, and the referral if there is one. */
static int
write_comms(struct gen *g, const struct demo_person *p)
{
	char at[TIME_BUFSZ], body[256];
	const char *channel, *arg;
	int64_t t;
	int k, n, which;

	n = (int)between(g, 3, 7) + (p->referral >= 0);
	for (k = 0; k < n; k++) {
		t = between(g, p->created, p->last);
		channel = PICK(g, channels);
		arg = PICK(g, topics);
		which = (int)(next(g) % NELEM(messages));
		if (messages[which].arg == ARG_PHONE && p->phone_say[0] == '\0')
			which++;
		if (messages[which].arg == ARG_PHONE)
			arg = p->phone_say;
		else if (messages[which].arg == ARG_EMAIL)
			arg = p->email;
		if (p->referral >= 0 && k == n - 1)
			snprintf(body, sizeof(body), "Very happy with the work;"
				 " my colleague %s may get in touch.",
				 g->people[p->referral].email);
		else
			snprintf(body, sizeof(body), messages[which].fmt, arg);
		if (insert(g, ST_COMM, "ssss", p->id, time_format(t, at),
			   channel, body) == -1)
			return -1;
	}
	return 0;
}

/*
 * vary_email: email as an order form might have kept it: style 0-3 as
 * is, 4-5 "Alice.Smith7@Example.com", 6 upper case, 7 with a trailing
 * blank.  Matching orders to subjects must normalise them all.
 */
static void
vary_email(char *out, size_t n, const char *email, int style)
{
	char *c;
	int up = 1;

	snprintf(out, n, style == 7 ? "%s " : "%s", email);
	if (style < 4 || style > 6)
		return;
	for (c = out; *c != '\0'; c++) {
		if (style == 6 || up)
			*c = (char)toupper((unsigned char)*c);
		up = *c == '@' || (*c == '.' && strchr(c, '@') != NULL);
	}
}

/* write_client: a client's invoices, orders (by email) and tickets. */
static int
write_client(struct gen *g, const struct demo_person *p)
{
	char at[TIME_BUFSZ], email[sizeof(p->email) + 1];
	const char *title, *body;
	int64_t t, cents;
	int k, n, style;

	for (k = 0; k < p->ninvoices; k++) {
		cents = between(g, 2500, 250000);
		if (insert(g, ST_INVOICE, "sssiss", p->id, p->invoice[k],
			   time_format(p->invoice_at[k], at), cents, p->name,
			   p->address) == -1)
			return -1;
	}
	n = (int)between(g, 1, 3);
	for (k = 0; k < n; k++) {
		style = (int)(next(g) % 8);
		vary_email(email, sizeof(email), p->email, style);
		t = between(g, p->created, g->now);
		cents = between(g, 999, 99999);
		if (insert(g, ST_ORDER, "ssssi", email, p->name, p->address,
			   time_format(t, at), cents) == -1)
			return -1;
	}
	n = (int)between(g, 0, 2);
	for (k = 0; k < n; k++) {
		t = between(g, p->created, g->now);
		title = PICK(g, ticket_titles);
		body = PICK(g, ticket_bodies);
		if (insert(g, ST_TICKET, "sssss", p->id, time_format(t, at),
			   title, body, t > g->now - 30 * DAY ? "open" :
			   "closed") == -1)
			return -1;
	}
	return 0;
}

/* write_web_log: N_WEB_LOG visits spread evenly over the last 90 days. */
static int
write_web_log(struct gen *g)
{
	char at[TIME_BUFSZ], ip[32];
	const char *net, *path, *agent;
	int64_t span = 90 * DAY, step = span / N_WEB_LOG, t;
	int i, host;

	for (i = 0; i < N_WEB_LOG; i++) {
		t = g->now - span + i * step + between(g, 0, step - 1);
		net = PICK(g, web_nets);
		host = (int)between(g, 1, 254);
		path = PICK(g, web_paths);
		agent = PICK(g, user_agents);
		snprintf(ip, sizeof(ip), "%s.%d", net, host);
		if (insert(g, ST_WEB, "ssss", time_format(t, at), ip, path,
			   agent) == -1)
			return -1;
	}
	return 0;
}

static int
write_store(struct gen *g)
{
	const struct demo_person *p;
	char created[TIME_BUFSZ], last[TIME_BUFSZ];
	int i;

	for (i = 0; i < N_PEOPLE; i++) {
		p = &g->people[i];
		if (insert(g, ST_SUBJECT, "ssssssss", p->id, p->kind, p->name,
			   p->email, p->phone[0] != '\0' ? p->phone : NULL,
			   p->address, time_format(p->created, created),
			   time_format(p->last, last)) == -1 ||
		    write_comms(g, p) == -1)
			return -1;
		if (p->ninvoices > 0 && write_client(g, p) == -1)
			return -1;
	}
	return write_web_log(g);
}

/*
 * demo_create: write a demo installation into dir (see demo.h): dir is
 * created if missing; if dir/lethe.ini or dir/live.db exists, nothing is
 * touched.  The data depends only on now and seed.  Returns 0, or -1
 * after reporting; after a failure past those checks, dir and whatever
 * was written in it (an incomplete live.db, some files) remain, but never
 * lethe.ini, which is written last.
 */
int
demo_create(const char *dir, int64_t now, unsigned seed)
{
	struct gen g;
	char *db_path = NULL;
	int i, rc = -1;

	memset(&g, 0, sizeof(g));
	if ((rc = demo_check_dir(dir)) != 0)
		return rc;
	rc = -1;
	if (mkdir_p(dir, 0755) == -1)
		return -1;
	g.now = now;
	seed_rng(&g, seed);
	g.people = xcalloc(N_PEOPLE, sizeof(*g.people));
	make_people(&g);

	db_path = xasprintf("%s/live.db", dir);
	if (demo_write_file(db_path, "", 0) == -1)
		goto done;
	if (sqlite3_open_v2(db_path, &g.db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		log_err("cannot open '%s': %s", db_path,
			g.db != NULL ? sqlite3_errmsg(g.db) : "out of memory");
		goto done;
	}
	if (db_exec(g.db, "BEGIN", "begin a transaction") == -1 ||
	    db_exec(g.db, DEMO_SCHEMA, "create the demo tables") == -1)
		goto done;
	for (i = 0; i < ST_N; i++)
		if ((g.st[i] = db_prepare(g.db, insert_sql[i])) == NULL)
			goto done;
	if (write_store(&g) == -1 ||
	    db_exec(g.db, "COMMIT", "commit the demo store") == -1)
		goto done;

	if (demo_write_files(dir, g.people, N_PEOPLE) == -1 ||
	    demo_write_ini(dir) == -1)
		goto done;
	rc = 0;
done:
	for (i = ST_N - 1; i >= 0; i--)
		sqlite3_finalize(g.st[i]);
	if (g.db != NULL && sqlite3_close(g.db) != SQLITE_OK && rc == 0) {
		log_err("cannot close '%s': %s", db_path, sqlite3_errmsg(g.db));
		rc = -1;
	}
	free(db_path);
	free(g.people);
	return rc;
}
