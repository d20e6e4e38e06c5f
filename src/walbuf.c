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

/*
 * A WAL file: the default VFS's file right after this struct, and the
 * writes gathered for it, which start at off in the file.
 */
struct wal_file {
	sqlite3_file base;		/* its methods: wal_methods */
	sqlite3_file *real;		/* the default VFS's file */
	char *buf;			/* NULL until the first write */
	sqlite3_int64 off;
	int len;
	int commit;			/* the last write was a commit's header */
};

static sqlite3_vfs walbuf_vfs;

/*
 * flush: write out what w has gathered, in one call.  Returns the
 * write's result code; what was gathered is dropped either way (a failed
 * write fails the transaction, which never reads it again).
 */
static int
flush(struct wal_file *w)
{
	int rc;

	if (w->len == 0)
		return SQLITE_OK;
	rc = w->real->pMethods->xWrite(w->real, w->buf, w->len, w->off);
	w->len = 0;
	return rc;
}

/*
 * commit_frame: whether p, amt bytes, starts a commit frame: its header
 * alone (SQLite's way: its page follows in the next call), or the whole
 * frame, should a SQLite ever write header and page in one call.
 */
static int
commit_frame(const void *p, int amt)
{
	const unsigned char *h = p;
	int page = amt - FRAME_HEADER;

	if (amt != FRAME_HEADER &&
	    (page < 512 || page > 65536 || (page & (page - 1)) != 0))
		return 0;
	/* bytes 4 to 7: the database's size after a commit, else 0 */
	return (h[4] | h[5] | h[6] | h[7]) != 0;
}

static int
wal_write(sqlite3_file *f, const void *p, int amt, sqlite3_int64 off)
{
	struct wal_file *w = (struct wal_file *)f;
	int frame = commit_frame(p, amt), rc;
	/* the commit's last write: a commit header's page, or its frame */
	int last = w->commit || (frame && amt > FRAME_HEADER);

	w->commit = frame && amt == FRAME_HEADER;
	if (w->buf == NULL)
		w->buf = malloc(WALBUF_BYTES);
	if (w->len > 0 &&
	    (off != w->off + w->len || amt > WALBUF_BYTES - w->len)) {
		rc = flush(w);
		if (rc != SQLITE_OK)
			return rc;
	}
	if (w->buf == NULL || amt > WALBUF_BYTES)
		return w->real->pMethods->xWrite(w->real, p, amt, off);
	if (w->len == 0)
		w->off = off;
	memcpy(w->buf + w->len, p, (size_t)amt);
	w->len += amt;
	return last ? flush(w) : SQLITE_OK;
}

static int
wal_close(sqlite3_file *f)
{
	struct wal_file *w = (struct wal_file *)f;
	int rc = flush(w), closed;

	closed = w->real->pMethods->xClose(w->real);
	free(w->buf);
	w->buf = NULL;
	return rc != SQLITE_OK ? rc : closed;
}

static int
wal_read(sqlite3_file *f, void *p, int amt, sqlite3_int64 off)
{
	struct wal_file *w = (struct wal_file *)f;
	int rc = flush(w);

	return rc != SQLITE_OK ? rc
			       : w->real->pMethods->xRead(w->real, p, amt, off);
}

static int
wal_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	struct wal_file *w = (struct wal_file *)f;
	int rc = flush(w);

	return rc != SQLITE_OK ? rc
			       : w->real->pMethods->xTruncate(w->real, size);
}

static int
wal_sync(sqlite3_file *f, int flags)
{
	struct wal_file *w = (struct wal_file *)f;
	int rc = flush(w);

	return rc != SQLITE_OK ? rc : w->real->pMethods->xSync(w->real, flags);
}

static int
wal_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	struct wal_file *w = (struct wal_file *)f;
	int rc = flush(w);

	return rc != SQLITE_OK ? rc
			       : w->real->pMethods->xFileSize(w->real, size);
}

static int
wal_lock(sqlite3_file *f, int level)
{
	struct wal_file *w = (struct wal_file *)f;

	return w->real->pMethods->xLock(w->real, level);
}

static int
wal_unlock(sqlite3_file *f, int level)
{
	struct wal_file *w = (struct wal_file *)f;

	return w->real->pMethods->xUnlock(w->real, level);
}

static int
wal_check_lock(sqlite3_file *f, int *out)
{
	struct wal_file *w = (struct wal_file *)f;

	return w->real->pMethods->xCheckReservedLock(w->real, out);
}

static int
wal_file_control(sqlite3_file *f, int op, void *arg)
{
	struct wal_file *w = (struct wal_file *)f;
	int rc = flush(w);

	return rc != SQLITE_OK ? rc
			       : w->real->pMethods->xFileControl(w->real, op,
								 arg);
}

static int
wal_sector_size(sqlite3_file *f)
{
	struct wal_file *w = (struct wal_file *)f;

	return w->real->pMethods->xSectorSize(w->real);
}

static int
wal_device(sqlite3_file *f)
{
	struct wal_file *w = (struct wal_file *)f;

	return w->real->pMethods->xDeviceCharacteristics(w->real);
}

/* (SQLite maps no shared memory and no pages of a WAL file: these are
 * here for the version the methods say, and only pass the call on) */
static int
wal_shm_map(sqlite3_file *f, int pg, int pgsz, int extend,
	    void volatile **pp)
{
	struct wal_file *w = (struct wal_file *)f;

	if (w->real->pMethods->iVersion < 2)
		return SQLITE_IOERR_SHMMAP;
	return w->real->pMethods->xShmMap(w->real, pg, pgsz, extend, pp);
}

static int
wal_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	struct wal_file *w = (struct wal_file *)f;

	if (w->real->pMethods->iVersion < 2)
		return SQLITE_IOERR_SHMLOCK;
	return w->real->pMethods->xShmLock(w->real, offset, n, flags);
}

static void
wal_shm_barrier(sqlite3_file *f)
{
	struct wal_file *w = (struct wal_file *)f;

	if (w->real->pMethods->iVersion >= 2)
		w->real->pMethods->xShmBarrier(w->real);
}

static int
wal_shm_unmap(sqlite3_file *f, int delete)
{
	struct wal_file *w = (struct wal_file *)f;

	if (w->real->pMethods->iVersion < 2)
		return SQLITE_OK;
	return w->real->pMethods->xShmUnmap(w->real, delete);
}

static int
wal_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp)
{
	struct wal_file *w = (struct wal_file *)f;
	int rc = flush(w);

	*pp = NULL;
	if (rc != SQLITE_OK || w->real->pMethods->iVersion < 3)
		return rc;
	return w->real->pMethods->xFetch(w->real, off, amt, pp);
}

static int
wal_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	struct wal_file *w = (struct wal_file *)f;

	if (w->real->pMethods->iVersion < 3)
		return SQLITE_OK;
	return w->real->pMethods->xUnfetch(w->real, off, p);
}

static const sqlite3_io_methods wal_methods = {
	3,
	wal_close,
	wal_read,
	wal_write,
	wal_truncate,
	wal_sync,
	wal_file_size,
	wal_lock,
	wal_unlock,
	wal_check_lock,
	wal_file_control,
	wal_sector_size,
	wal_device,
	wal_shm_map,
	wal_shm_lock,
	wal_shm_barrier,
	wal_shm_unmap,
	wal_fetch,
	wal_unfetch,
};

/* base: the default VFS this one passes calls on to. */
static sqlite3_vfs *
base(sqlite3_vfs *vfs)
{
	return vfs->pAppData;
}

/*
 * vfs_open: open a file with the default VFS; a WAL file behind
 * wal_methods, every other one as the default VFS opens it.
 */
static int
vfs_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f,
	 int flags, int *out)
{
	struct wal_file *w = (struct wal_file *)f;
	int rc;

	if (!(flags & SQLITE_OPEN_WAL))
		return base(vfs)->xOpen(base(vfs), name, f, flags, out);
	memset(w, 0, sizeof(*w));
	w->real = (sqlite3_file *)(w + 1);
	rc = base(vfs)->xOpen(base(vfs), name, w->real, flags, out);
	if (rc != SQLITE_OK) {
		if (w->real->pMethods != NULL)
			w->real->pMethods->xClose(w->real);
		f->pMethods = NULL;
		return rc;
	}
	f->pMethods = &wal_methods;
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
	walbuf_vfs.szOsFile = (int)sizeof(struct wal_file) + def->szOsFile;
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
