/*
 * filter_raw.c: the residue scan of a database, read as bytes.
 *
 * Scanning a database for residue through SQLite costs a statement step
 * and a column call per value.  Its values can be read straight from its
 * b-tree pages instead: each cell the page's cell pointers name is parsed
 * (record header, serial types) and every text or blob value is scanned
 * on its own, exactly the values the SQLite scan sees; the pages on the
 * freelist and the cells deleted within a page are not read, so the scan
 * sees what VACUUM INTO copies.  Index pages hold copies of table values,
 * and are read only when the database has WITHOUT ROWID tables (whose
 * rows live in index b-trees).  Anything this reader does not cover (a
 * value continued on overflow pages, a text encoding other than UTF-8,
 * auto-vacuum pointer maps, a page that is neither free nor a b-tree
 * page, a malformed cell or freelist) makes it give up, and the caller
 * scans through SQLite instead, as it does when a candidate is found.
 * The file is read by two threads, each a half of its pages (one for a
 * small file), while the caller may go on.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filter_priv.h"
#include "log.h"
#include "sqlfmt.h"
#include "util.h"
#include "banned.h"

#define HEADER 100
#define PENDING_BYTE 0x40000000	/* SQLite's lock-byte page starts here */
#define CHUNK (4 << 20)		/* bytes read at a time, at least a page */

/* The outcome of a page or a value: go on, or stop for a reason. */
enum { RAW_GO = 0, RAW_FOUND = 1, RAW_UNCOVERED = 2, RAW_ERROR = 3 };

/* The reading of one file. */
struct raw {
	const struct filter *f;
	int fd;
	uint32_t size;			/* page size */
	uint32_t usable;		/* page size less reserved bytes */
	int indexes;			/* read index b-tree pages too */
	uint64_t npages;
	uint64_t first, last;		/* the pages this reading covers */
	uint64_t lock_page;		/* never written: not read */
	size_t chunk;			/* bytes read at a time */
	const unsigned char *free;	/* bit per page: on the freelist */
	atomic_int *stop;		/* set when a reading has its answer */
	struct raw_feed *feed;		/* the pages come from a feed */
	struct spans sp;
	int res;			/* RAW_GO, or why it stopped */
	int err;			/* errno, for RAW_ERROR */
};

/* record: scan every text and blob value of the record rec[0..n). */
static int
record(struct raw *r, const unsigned char *rec, uint64_t n)
{
	const unsigned char *end = rec + n, *h, *body;
	uint64_t hlen, t;
	int k;

	k = sqlfmt_varint(rec, end, &hlen);
	if (k == 0 || hlen < (uint64_t)k || hlen > n)
		return RAW_UNCOVERED;
	h = rec + k;
	body = rec + hlen;
	while (h < rec + hlen) {
		int64_t len;

		k = sqlfmt_varint(h, rec + hlen, &t);
		if (k == 0)
			return RAW_UNCOVERED;
		h += k;
		len = sqlfmt_serial_len(t);
		if (len < 0 || len > end - body)
			return RAW_UNCOVERED;
		if (t >= 12 && len > 0 &&
		    filter_scan(r->f, (const char *)body, (size_t)len,
				&r->sp) > 0)
			return RAW_FOUND;
		body += len;
	}
	return RAW_GO;
}

/*
 * page: scan the cells of b-tree page pg (pgno; its header at hdr, 100 on
 * page 1).  A cell whose payload continues on overflow pages is not
 * covered.
 */
static int
page(struct raw *r, const unsigned char *pg, uint32_t hdr)
{
	const unsigned char *end = pg + r->usable;
	uint32_t type = pg[hdr], ncells, i, x, cp;
	int leaf = type == 10 || type == 13, rc;

	if (type != 2 && type != 5 && type != 10 && type != 13)
		return RAW_UNCOVERED;
	if (type == 5 || (type != 13 && !r->indexes))
		return RAW_GO;		/* rowids only, or copies of values */
	/* the most a cell keeps on its page (SQLite file format, 1.6) */
	x = type == 13 ? r->usable - 35 : (r->usable - 12) * 64 / 255 - 23;
	ncells = sqlfmt_get16(pg + hdr + 3);
	cp = hdr + (leaf ? 8 : 12);
	if (cp + 2 * ncells > r->usable)
		return RAW_UNCOVERED;
	for (i = 0; i < ncells; i++) {
		uint32_t off = sqlfmt_get16(pg + cp + 2 * i);
		const unsigned char *c = pg + off;
		uint64_t plen, rowid;
		int k;

		if (off < cp + 2 * ncells || off >= r->usable)
			return RAW_UNCOVERED;
		if (type == 2)
			c += 4;		/* left child page */
		k = c < end ? sqlfmt_varint(c, end, &plen) : 0;
		if (k == 0)
			return RAW_UNCOVERED;
		c += k;
		if (type == 13) {
			k = sqlfmt_varint(c, end, &rowid);
			if (k == 0)
				return RAW_UNCOVERED;
			c += k;
		}
		if (plen > x || plen > (uint64_t)(end - c))
			return RAW_UNCOVERED;	/* on overflow pages */
		rc = record(r, c, plen);
		if (rc != RAW_GO)
			return rc;
	}
	return RAW_GO;
}

/* is_free, set_free: page pgno's bit in the freelist bitmap. */
static int
is_free(const unsigned char *bits, uint64_t pgno)
{
	return bits[pgno / 8] >> (pgno % 8) & 1;
}

static void
set_free(unsigned char *bits, uint64_t pgno)
{
	bits[pgno / 8] |= (unsigned char)(1u << (pgno % 8));
}

/* scan_pages: the thread body: scan the pages of r->fd until done. */
static void *
scan_pages(void *arg)
{
	struct raw *r = arg;
	unsigned char *buf = xmalloc(r->chunk);
	uint64_t pgno = r->first;

	while (pgno <= r->last && r->res == RAW_GO &&
	       !atomic_load_explicit(r->stop, memory_order_relaxed)) {
		uint64_t want = (r->last + 1 - pgno) * r->size;
		ssize_t n = pread(r->fd, buf, want < r->chunk ? want : r->chunk,
				  (off_t)((pgno - 1) * r->size));
		size_t off;

		if (n <= 0 || n % r->size != 0) {
			r->res = n < 0 ? RAW_ERROR : RAW_UNCOVERED;
			r->err = errno;
			break;
		}
		for (off = 0; off < (size_t)n && r->res == RAW_GO;
		     off += r->size, pgno++)
			if (pgno != r->lock_page && !is_free(r->free, pgno))
				r->res = page(r, buf + off,
					      pgno == 1 ? HEADER : 0);
	}
	if (r->res != RAW_GO)
		atomic_store(r->stop, 1);
	free(buf);
	return NULL;
}

/* Threads reading a file, each a part of its pages. */
#define THREADS 2
#define PAGES_PER_THREAD 4096	/* fewer: one thread */

/* A scan under way: the file, its freelist, its readings. */
struct raw_scan {
	int fd;
	char *full;
	unsigned char *free;
	struct raw r[THREADS];
	pthread_t thread[THREADS];
	int started;		/* threads started */
	atomic_int stop;
	int rc;			/* the answer, when known without the threads */
};

/*
 * freelist: mark the pages of the freelist starting at trunk page first
 * (count pages in all) in bits.  Returns 1, 0 when the list is not sound
 * (a page out of range or twice, a count that does not add up), or -1
 * on a read error.
 */
static int
freelist(int fd, uint32_t size, uint64_t npages, uint32_t first,
	 uint32_t count, unsigned char *bits)
{
	unsigned char *pg = xmalloc(size);
	uint64_t seen = 0, trunk = first;
	uint32_t i, n;
	int rc = 0;

	while (trunk != 0) {
		if (trunk < 2 || trunk > npages || is_free(bits, trunk) ||
		    ++seen > count)
			goto done;
		set_free(bits, trunk);
		if (pread(fd, pg, size, (off_t)((trunk - 1) * size)) !=
		    (ssize_t)size) {
			rc = -1;
			goto done;
		}
		n = sqlfmt_get32(pg + 4);
		if (n > (size - 8) / 4)
			goto done;
		for (i = 0; i < n; i++) {
			uint64_t leaf = sqlfmt_get32(pg + 8 + 4 * i);

			if (leaf < 2 || leaf > npages || is_free(bits, leaf) ||
			    ++seen > count)
				goto done;
			set_free(bits, leaf);
		}
		trunk = sqlfmt_get32(pg);
	}
	rc = seen == count;
done:
	free(pg);
	return rc;
}

struct raw_scan *
filter_raw_start(const struct filter *f, const char *full, int indexes)
{
	struct raw_scan *s = xcalloc(1, sizeof(*s));
	unsigned char head[HEADER];
	struct stat st;
	uint32_t size;
	uint64_t npages;
	int e, r, i, nthreads;

	s->full = xstrdup(full);
	s->rc = 0;
	s->fd = open(full, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (s->fd < 0 || fstat(s->fd, &st) != 0) {
		log_errno("cannot read '%s'", full);
		s->rc = -1;
		return s;
	}
	if (pread(s->fd, head, sizeof(head), 0) != (ssize_t)sizeof(head))
		return s;
	size = sqlfmt_page_size(head);
	/* UTF-8, no pointer maps, whole pages */
	if (size < 512 || (size & (size - 1)) != 0 || head[20] > size - 480 ||
	    sqlfmt_get32(head + 56) != 1 || sqlfmt_get32(head + 52) != 0 ||
	    st.st_size % size != 0)
		return s;
	npages = (uint64_t)st.st_size / size;
	s->free = xcalloc(npages / 8 + 1, 1);
	r = freelist(s->fd, size, npages, sqlfmt_get32(head + 32),
		     sqlfmt_get32(head + 36), s->free);
	if (r <= 0) {
		if (r < 0)
			log_errno("cannot read '%s'", full);
		s->rc = r;
		return s;
	}
	nthreads = npages >= 2 * PAGES_PER_THREAD ? THREADS : 1;
	for (i = 0; i < nthreads; i++) {
		struct raw *rd = &s->r[i];

		rd->f = f;
		rd->fd = s->fd;
		rd->size = size;
		rd->usable = size - head[20];
		rd->indexes = indexes;
		rd->npages = npages;
		rd->first = 1 + npages * (uint64_t)i / (uint64_t)nthreads;
		rd->last = npages * (uint64_t)(i + 1) / (uint64_t)nthreads;
		rd->lock_page = PENDING_BYTE / size + 1;
		rd->chunk = CHUNK > size ? CHUNK : size;
		rd->free = s->free;
		rd->stop = &s->stop;
		e = pthread_create(&s->thread[i], NULL, scan_pages, rd);
		if (e != 0) {
			log_err("cannot start a thread: %s", strerror(e));
			s->rc = -1;
			return s;
		}
		s->started++;
	}
	s->rc = 1;
	return s;
}

/*
 * answer: what the readings r[0..n) found together: an I/O error first
 * (its errno into *err), then a candidate or what is not covered, else
 * RAW_GO.  Their spans are released.
 */
static int
answer(struct raw *r, int n, int *err)
{
	int i, res = RAW_GO;

	for (i = 0; i < n; i++) {
		if (r[i].res == RAW_ERROR) {
			res = RAW_ERROR;
			*err = r[i].err;
		} else if (res == RAW_GO) {
			res = r[i].res;
		}
		spans_release(&r[i].sp);
	}
	return res;
}

int
filter_raw_wait(struct raw_scan *s)
{
	int rc = s->rc, i, res, err = 0;

	for (i = 0; i < s->started; i++)
		pthread_join(s->thread[i], NULL);
	res = answer(s->r, s->started, &err);
	for (i = s->started; i < THREADS; i++)
		spans_release(&s->r[i].sp);
	if (rc == 1 && res == RAW_ERROR) {
		errno = err;
		log_errno("cannot read '%s'", s->full);
		rc = -1;
	} else if (rc == 1 && res != RAW_GO) {
		rc = 0;
	}
	if (s->fd >= 0)
		close(s->fd);
	free(s->free);
	free(s->full);
	free(s);
	return rc;
}

/*
 * A feed: pages handed over as they are written (dbcopy's tap), each
 * chunk copied into one of a few buffers and scanned by two threads.
 */
#define FEED_BUFS 8
#define FEED_CHUNK (1 << 20)	/* bytes a buffer holds, at least a page */

struct raw_feed {
	struct raw r[THREADS];
	pthread_t thread[THREADS];
	int started;
	atomic_int stop;
	pthread_mutex_t lock;
	pthread_cond_t more;		/* a chunk queued, or the end */
	pthread_cond_t room;		/* a buffer free */
	unsigned char *spare[FEED_BUFS];
	int nspare;
	unsigned char *queue[FEED_BUFS];
	uint64_t first[FEED_BUFS];
	uint32_t count[FEED_BUFS];
	int head, nqueued;
	int closed;
	size_t chunk;			/* bytes a buffer holds */
	uint32_t size;
	uint64_t lock_page;
};

/* feed_scan: a feeding thread: scan the chunks queued until the end. */
static void *
feed_scan(void *arg)
{
	struct raw *r = arg;
	struct raw_feed *fd = r->feed;
	unsigned char *buf;
	uint64_t pgno;
	uint32_t n, k;

	for (;;) {
		pthread_mutex_lock(&fd->lock);
		while (fd->nqueued == 0 && !fd->closed &&
		       !atomic_load(&fd->stop))
			pthread_cond_wait(&fd->more, &fd->lock);
		if (fd->nqueued == 0 || atomic_load(&fd->stop)) {
			pthread_mutex_unlock(&fd->lock);
			break;
		}
		buf = fd->queue[fd->head];
		pgno = fd->first[fd->head];
		n = fd->count[fd->head];
		fd->head = (fd->head + 1) % FEED_BUFS;
		fd->nqueued--;
		pthread_mutex_unlock(&fd->lock);
		for (k = 0; k < n && r->res == RAW_GO; k++, pgno++)
			if (pgno != fd->lock_page)
				r->res = page(r, buf + (size_t)k * fd->size,
					      pgno == 1 ? HEADER : 0);
		pthread_mutex_lock(&fd->lock);
		fd->spare[fd->nspare++] = buf;
		if (r->res != RAW_GO)
			atomic_store(&fd->stop, 1);
		pthread_cond_broadcast(&fd->room);
		pthread_cond_broadcast(&fd->more);
		pthread_mutex_unlock(&fd->lock);
	}
	return NULL;
}

/* i_push: queue buf (n pages from first); the lock is held. */
static void
i_push(struct raw_feed *fd, unsigned char *buf, uint64_t first, uint32_t n)
{
	int at = (fd->head + fd->nqueued) % FEED_BUFS;

	fd->queue[at] = buf;
	fd->first[at] = first;
	fd->count[at] = n;
	fd->nqueued++;
}

struct raw_feed *
filter_raw_feed_start(const struct filter *f, uint32_t size, int indexes,
		      uint64_t lock_page)
{
	struct raw_feed *fd = xcalloc(1, sizeof(*fd));
	int i, e;

	fd->size = size;
	fd->chunk = FEED_CHUNK / size > 0 ? FEED_CHUNK / size * size : size;
	fd->lock_page = lock_page;
	pthread_mutex_init(&fd->lock, NULL);
	pthread_cond_init(&fd->more, NULL);
	pthread_cond_init(&fd->room, NULL);
	for (i = 0; i < FEED_BUFS; i++)
		fd->spare[fd->nspare++] = xmalloc(fd->chunk);
	for (i = 0; i < THREADS; i++) {
		struct raw *r = &fd->r[i];

		r->f = f;
		r->size = size;
		r->usable = size;
		r->indexes = indexes;
		r->feed = fd;
		e = pthread_create(&fd->thread[i], NULL, feed_scan, r);
		if (e != 0) {
			log_err("cannot start a thread: %s", strerror(e));
			r->res = RAW_ERROR;
			atomic_store(&fd->stop, 1);
			break;
		}
		fd->started++;
	}
	return fd;
}

void
filter_raw_feed(struct raw_feed *fd, const unsigned char *p, uint64_t first,
		uint32_t n)
{
	while (n > 0) {
		uint32_t take = (uint32_t)(fd->chunk / fd->size);
		unsigned char *buf;

		take = take < n ? take : n;
		pthread_mutex_lock(&fd->lock);
		while (fd->nspare == 0 && !atomic_load(&fd->stop))
			pthread_cond_wait(&fd->room, &fd->lock);
		if (atomic_load(&fd->stop) || fd->started == 0) {
			pthread_mutex_unlock(&fd->lock);
			return;		/* the answer is known */
		}
		buf = fd->spare[--fd->nspare];
		pthread_mutex_unlock(&fd->lock);
		memcpy(buf, p, (size_t)take * fd->size);
		pthread_mutex_lock(&fd->lock);
		i_push(fd, buf, first, take);
		pthread_cond_signal(&fd->more);
		pthread_mutex_unlock(&fd->lock);
		p += (size_t)take * fd->size;
		first += take;
		n -= take;
	}
}

int
filter_raw_feed_finish(struct raw_feed *fd)
{
	int i, res, err = 0;

	pthread_mutex_lock(&fd->lock);
	fd->closed = 1;
	pthread_cond_broadcast(&fd->more);
	pthread_mutex_unlock(&fd->lock);
	for (i = 0; i < fd->started; i++)
		pthread_join(fd->thread[i], NULL);
	res = answer(fd->r, THREADS, &err);
	if (fd->started < THREADS && res == RAW_GO)
		res = RAW_ERROR;
	for (i = 0; i < fd->nspare; i++)
		free(fd->spare[i]);
	for (i = 0; i < fd->nqueued; i++)
		free(fd->queue[(fd->head + i) % FEED_BUFS]);
	pthread_mutex_destroy(&fd->lock);
	pthread_cond_destroy(&fd->more);
	pthread_cond_destroy(&fd->room);
	free(fd);
	return res == RAW_GO ? 1 : res == RAW_ERROR ? -1 : 0;
}
