/*
 * walbuf.c: a VFS that gathers the writes to a WAL file into few calls.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "walbuf.h"
#include "banned.h"

/*
 * What is gathered at most before it is written: 30 frames of 4 KiB.
 * The default VFS writes less than 128 KiB in a call (it masks a larger
 * size with 0x1ffff: a 1 MiB write writes nothing and fails as a full
 * disk).
 */
#define WALBUF_BYTES (124 << 10)
/* the size of a WAL frame's header */
#define FRAME_HEADER 24
/* where the default VFS's file starts in ours: past the larger struct */
#define SHIM_SIZE                                                            \
	(sizeof(struct wal_file) > sizeof(struct db_file)                   \
		 ? sizeof(struct wal_file)                                   \
		 : sizeof(struct db_file))

/* A file opened through the default VFS, right after this struct. */
struct shim {
	sqlite3_file base;		/* its methods: ours */
	sqlite3_file *real;		/* the default VFS's file */
};

struct wal_file;

/* A main database file: its WAL file, while that is open. */
struct db_file {
	struct shim s;
	struct wal_file *wal;
};

/* A WAL file: the writes gathered for it, which start at off. */
struct wal_file {
	struct shim s;
	struct db_file *db;		/* its database's, when ours */
	char *buf;			/* NULL until the first write */
	sqlite3_int64 off;
	int len;
	int header;			/* the last write: a plain header, kept */
	int failed;			/* a write that failed, until reset */
	int locked;			/* the WAL's write lock is held */
};

static sqlite3_vfs walbuf_vfs;
static const sqlite3_io_methods db_methods;

/* REAL: the default VFS's file behind f, and its methods. */
#define REAL(f) (((struct shim *)(f))->real)
#define METHODS(f) (REAL(f)->pMethods)

/*
 * The calls passed on as they are.  SQLite maps no shared memory and no
 * pages of a WAL file: those calls are here for the version the methods
 * say.
 */
static int
fwd_read(sqlite3_file *f, void *p, int amt, sqlite3_int64 off)
{
	return METHODS(f)->xRead(REAL(f), p, amt, off);
}

static int
fwd_write(sqlite3_file *f, const void *p, int amt, sqlite3_int64 off)
{
	return METHODS(f)->xWrite(REAL(f), p, amt, off);
}

static int
fwd_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return METHODS(f)->xTruncate(REAL(f), size);
}

static int
fwd_sync(sqlite3_file *f, int flags)
{
	return METHODS(f)->xSync(REAL(f), flags);
}

static int
fwd_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return METHODS(f)->xFileSize(REAL(f), size);
}

static int
fwd_lock(sqlite3_file *f, int level)
{
	return METHODS(f)->xLock(REAL(f), level);
}

static int
fwd_unlock(sqlite3_file *f, int level)
{
	return METHODS(f)->xUnlock(REAL(f), level);
}

static int
fwd_check_lock(sqlite3_file *f, int *out)
{
	return METHODS(f)->xCheckReservedLock(REAL(f), out);
}

static int
fwd_file_control(sqlite3_file *f, int op, void *arg)
{
	return METHODS(f)->xFileControl(REAL(f), op, arg);
}

static int
fwd_sector_size(sqlite3_file *f)
{
	return METHODS(f)->xSectorSize(REAL(f));
}

static int
fwd_device(sqlite3_file *f)
{
	return METHODS(f)->xDeviceCharacteristics(REAL(f));
}

static int
fwd_shm_map(sqlite3_file *f, int pg, int pgsz, int extend,
	    void volatile **pp)
{
	if (METHODS(f)->iVersion < 2)
		return SQLITE_IOERR_SHMMAP;
	return METHODS(f)->xShmMap(REAL(f), pg, pgsz, extend, pp);
}

static int
fwd_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	if (METHODS(f)->iVersion < 2)
		return SQLITE_IOERR_SHMLOCK;
	return METHODS(f)->xShmLock(REAL(f), offset, n, flags);
}

static void
fwd_shm_barrier(sqlite3_file *f)
{
	if (METHODS(f)->iVersion >= 2)
		METHODS(f)->xShmBarrier(REAL(f));
}

static int
fwd_shm_unmap(sqlite3_file *f, int delete)
{
	if (METHODS(f)->iVersion < 2)
		return SQLITE_OK;
	return METHODS(f)->xShmUnmap(REAL(f), delete);
}

static int
fwd_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp)
{
	*pp = NULL;
	if (METHODS(f)->iVersion < 3)
		return SQLITE_OK;
	return METHODS(f)->xFetch(REAL(f), off, amt, pp);
}

static int
fwd_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	if (METHODS(f)->iVersion < 3)
		return SQLITE_OK;
	return METHODS(f)->xUnfetch(REAL(f), off, p);
}

/*
 * flush: write out what w has gathered, in one call.  A write that fails
 * is remembered: every later write and sync of the WAL fails with it
 * until the write lock goes (reset), so the transaction whose frames
 * were lost cannot commit.  Returns SQLITE_OK, or the error.
 */
static int
flush(struct wal_file *w)
{
	int rc;

	if (w->failed != SQLITE_OK)
		return w->failed;
	if (w->len == 0)
		return SQLITE_OK;
	rc = fwd_write(&w->s.base, w->buf, w->len, w->off);
	w->len = 0;
	w->failed = rc;
	return rc;
}

/*
 * settle: before a call on the WAL other than a write or a sync, write
 * out what is gathered.  A failure already remembered is not that
 * call's: what failed is dropped, and its transaction, which cannot
 * commit, may still read as it rolls back.  Returns SQLITE_OK, or the
 * error of the write.
 */
static int
settle(struct wal_file *w)
{
	w->header = 0;
	return w->failed != SQLITE_OK ? SQLITE_OK : flush(w);
}

/*
 * reset: at the end of a write transaction (the WAL's write lock about
 * to go), write out what is gathered (frames of a transaction rolled
 * back: written, as the default VFS would have, while the lock is still
 * held; its errors matter to no one) and forget a failure.
 */
static void
reset(struct wal_file *w)
{
	(void)flush(w);
	w->len = 0;
	w->header = 0;
	w->failed = SQLITE_OK;
}

/*
 * plain_header: whether p, amt bytes, is the header of a frame that is
 * not a commit's (bytes 4 to 7, the database's size after a commit, 0).
 */
static int
plain_header(const void *p, int amt)
{
	const unsigned char *h = p;

	return amt == FRAME_HEADER && (h[4] | h[5] | h[6] | h[7]) == 0;
}

/*
 * wal_write: gathered are only a plain frame header and the write right
 * after it (its page), and only while the WAL's write lock is seen held
 * (never in exclusive locking mode, which takes no such lock): any other
 * write (a commit's header and page, a frame written over, a checksum
 * rewritten, the WAL's header, a piece of a frame split at a sync point)
 * is written out at once, with what is gathered before it.
 */
static int
wal_write(sqlite3_file *f, const void *p, int amt, sqlite3_int64 off)
{
	struct wal_file *w = (struct wal_file *)f;
	int keep = w->locked &&
		   (plain_header(p, amt) ||
		    (w->header && off == w->off + w->len));
	int rc;

	w->header = keep && amt == FRAME_HEADER;
	if (w->failed != SQLITE_OK)
		return w->failed;
	if (w->buf == NULL)
		w->buf = malloc(WALBUF_BYTES);
	if (w->len > 0 &&
	    (off != w->off + w->len || amt > WALBUF_BYTES - w->len)) {
		rc = flush(w);
		if (rc != SQLITE_OK)
			return rc;
	}
	if (w->buf == NULL || amt > WALBUF_BYTES) {
		w->header = 0;
		return fwd_write(f, p, amt, off);
	}
	if (w->len == 0)
		w->off = off;
	memcpy(w->buf + w->len, p, (size_t)amt);
	w->len += amt;
	return keep ? SQLITE_OK : flush(w);
}

static int
wal_close(sqlite3_file *f)
{
	struct wal_file *w = (struct wal_file *)f;
	int rc;

	/* (a transaction ended uncommitted; its lock is gone already) */
	w->len = 0;
	if (w->db != NULL)
		w->db->wal = NULL;
	rc = METHODS(f)->xClose(REAL(f));
	free(w->buf);
	w->buf = NULL;
	return rc;
}

static int
wal_read(sqlite3_file *f, void *p, int amt, sqlite3_int64 off)
{
	int rc = settle((struct wal_file *)f);

	return rc != SQLITE_OK ? rc : fwd_read(f, p, amt, off);
}

static int
wal_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	int rc = settle((struct wal_file *)f);

	return rc != SQLITE_OK ? rc : fwd_truncate(f, size);
}

static int
wal_sync(sqlite3_file *f, int flags)
{
	int rc = flush((struct wal_file *)f);

	return rc != SQLITE_OK ? rc : fwd_sync(f, flags);
}

static int
wal_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	int rc = settle((struct wal_file *)f);

	return rc != SQLITE_OK ? rc : fwd_file_size(f, size);
}

static int
wal_file_control(sqlite3_file *f, int op, void *arg)
{
	int rc = settle((struct wal_file *)f);

	return rc != SQLITE_OK ? rc : fwd_file_control(f, op, arg);
}

static int
wal_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp)
{
	int rc = settle((struct wal_file *)f);

	*pp = NULL;
	return rc != SQLITE_OK ? rc : fwd_fetch(f, off, amt, pp);
}

static const sqlite3_io_methods wal_methods = {
	3,
	wal_close,
	wal_read,
	wal_write,
	wal_truncate,
	wal_sync,
	wal_file_size,
	fwd_lock,
	fwd_unlock,
	fwd_check_lock,
	wal_file_control,
	fwd_sector_size,
	fwd_device,
	fwd_shm_map,
	fwd_shm_lock,
	fwd_shm_barrier,
	fwd_shm_unmap,
	wal_fetch,
	fwd_unfetch,
};

static int
db_close(sqlite3_file *f)
{
	struct db_file *d = (struct db_file *)f;

	if (d->wal != NULL)
		d->wal->db = NULL;
	return METHODS(f)->xClose(REAL(f));
}

/*
 * db_shm_lock: as the default VFS, but it tells the WAL file when the
 * WAL's write lock (lock 0) is taken, and writes out what it has
 * gathered (reset) before that lock is let go: once it is, someone else
 * may write frames where it would land.
 */
static int
db_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	struct db_file *d = (struct db_file *)f;
	int write_lock = offset == 0 && n > 0 && d->wal != NULL, rc;

	if (write_lock && (flags & SQLITE_SHM_UNLOCK)) {
		reset(d->wal);
		d->wal->locked = 0;
	}
	rc = fwd_shm_lock(f, offset, n, flags);
	if (write_lock && rc == SQLITE_OK && (flags & SQLITE_SHM_LOCK) &&
	    (flags & SQLITE_SHM_EXCLUSIVE))
		d->wal->locked = 1;
	return rc;
}

static const sqlite3_io_methods db_methods = {
	3,
	db_close,
	fwd_read,
	fwd_write,
	fwd_truncate,
	fwd_sync,
	fwd_file_size,
	fwd_lock,
	fwd_unlock,
	fwd_check_lock,
	fwd_file_control,
	fwd_sector_size,
	fwd_device,
	fwd_shm_map,
	db_shm_lock,
	fwd_shm_barrier,
	fwd_shm_unmap,
	fwd_fetch,
	fwd_unfetch,
};

/* base: the default VFS this one passes calls on to. */
static sqlite3_vfs *
base(sqlite3_vfs *vfs)
{
	return vfs->pAppData;
}

/*
 * vfs_open: open a file with the default VFS: a main database or WAL file
 * behind db_methods or wal_methods, a WAL file tied to its database's
 * file; any other file as the default VFS opens it.
 */
static int
vfs_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f,
	 int flags, int *out)
{
	struct shim *s = (struct shim *)f;
	int rc;

	if (!(flags & (SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_DB)))
		return base(vfs)->xOpen(base(vfs), name, f, flags, out);
	memset(f, 0, (size_t)walbuf_vfs.szOsFile);
	s->real = (sqlite3_file *)((char *)f + SHIM_SIZE);
	rc = base(vfs)->xOpen(base(vfs), name, s->real, flags, out);
	if (rc != SQLITE_OK) {
		if (s->real->pMethods != NULL)
			s->real->pMethods->xClose(s->real);
		f->pMethods = NULL;
		return rc;
	}
	if (flags & SQLITE_OPEN_MAIN_DB) {
		f->pMethods = &db_methods;
	} else {
		struct wal_file *w = (struct wal_file *)f;
		sqlite3_file *db = sqlite3_database_file_object(name);

		f->pMethods = &wal_methods;
		if (db != NULL && db->pMethods == &db_methods) {
			w->db = (struct db_file *)db;
			w->db->wal = w;
		}
	}
	return SQLITE_OK;
}

static int
vfs_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	return base(vfs)->xDelete(base(vfs), name, sync_dir);
}

static int
vfs_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	return base(vfs)->xAccess(base(vfs), name, flags, out);
}

static int
vfs_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	return base(vfs)->xFullPathname(base(vfs), name, n, out);
}

static void *
vfs_dl_open(sqlite3_vfs *vfs, const char *name)
{
	return base(vfs)->xDlOpen(base(vfs), name);
}

static void
vfs_dl_error(sqlite3_vfs *vfs, int n, char *msg)
{
	base(vfs)->xDlError(base(vfs), n, msg);
}

static void (*vfs_dl_sym(sqlite3_vfs *vfs, void *lib, const char *sym))(void)
{
	return base(vfs)->xDlSym(base(vfs), lib, sym);
}

static void
vfs_dl_close(sqlite3_vfs *vfs, void *lib)
{
	base(vfs)->xDlClose(base(vfs), lib);
}

static int
vfs_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	return base(vfs)->xRandomness(base(vfs), n, out);
}

static int
vfs_sleep(sqlite3_vfs *vfs, int us)
{
	return base(vfs)->xSleep(base(vfs), us);
}

static int
vfs_current_time(sqlite3_vfs *vfs, double *out)
{
	return base(vfs)->xCurrentTime(base(vfs), out);
}

static int
vfs_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	return base(vfs)->xGetLastError(base(vfs), n, out);
}

static int
vfs_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	return base(vfs)->xCurrentTimeInt64(base(vfs), out);
}

int
walbuf_register(void)
{
	sqlite3_vfs *def;

	if (sqlite3_vfs_find(WALBUF_VFS) != NULL)
		return 0;
	def = sqlite3_vfs_find(NULL);
	/* the calls below are version 2's; the default VFS has them all */
	if (def == NULL || def->iVersion < 2) {
		log_err("cannot set up SQLite's file access: no default VFS");
		return -1;
	}
	memset(&walbuf_vfs, 0, sizeof(walbuf_vfs));
	walbuf_vfs.iVersion = 2;
	walbuf_vfs.szOsFile = (int)SHIM_SIZE + def->szOsFile;
	walbuf_vfs.mxPathname = def->mxPathname;
	walbuf_vfs.zName = WALBUF_VFS;
	walbuf_vfs.pAppData = def;
	walbuf_vfs.xOpen = vfs_open;
	walbuf_vfs.xDelete = vfs_delete;
	walbuf_vfs.xAccess = vfs_access;
	walbuf_vfs.xFullPathname = vfs_full_pathname;
	walbuf_vfs.xDlOpen = vfs_dl_open;
	walbuf_vfs.xDlError = vfs_dl_error;
	walbuf_vfs.xDlSym = vfs_dl_sym;
	walbuf_vfs.xDlClose = vfs_dl_close;
	walbuf_vfs.xRandomness = vfs_randomness;
	walbuf_vfs.xSleep = vfs_sleep;
	walbuf_vfs.xCurrentTime = vfs_current_time;
	walbuf_vfs.xGetLastError = vfs_last_error;
	walbuf_vfs.xCurrentTimeInt64 = vfs_current_time64;
	if (sqlite3_vfs_register(&walbuf_vfs, 0) != SQLITE_OK) {
		log_err("cannot set up SQLite's file access: the VFS '%s' "
			"could not be registered", WALBUF_VFS);
		return -1;
	}
	return 0;
}
