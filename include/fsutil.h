/*
 * fsutil.h: durable file replacement and folder helpers.
 */
#ifndef FSUTIL_H
#define FSUTIL_H

/*
 * The names of lethe's temporary files and staging folders start with
 * TMP_PREFIX or STAGING_PREFIX and the installation's tag (from its
 * ledger's path), so that one installation only ever removes its own.
 */
#define TMP_PREFIX ".lethe-tmp-"
#define STAGING_PREFIX ".lethe-staging-"

/*
 * fsutil_set_tag: name temporary files and staging folders after the
 * ledger at ledger_path from here on.
 */
void fsutil_set_tag(const char *ledger_path);

/*
 * staging_name: a new staging folder's mkdtemp template in parent,
 * naming this process; caller frees.
 */
char *staging_name(const char *parent);

/*
 * remove_stale: remove from folder dir the temporary files and staging
 * folders this installation left when interrupted (they may hold
 * unfiltered personal data): staging folders whose process is gone and,
 * when the caller holds the run lock, temporary files and staging folders
 * whose process runs another program (its pid reused).  A staging folder
 * of a lethe that runs is never removed: it is a reader's (inspect, a dry
 * run), which takes no lock.  Returns how many of this installation's
 * are left there, or -1 after reporting.
 */
int remove_stale(const char *dir, int locked);

/*
 * tmpfile_beside: create a new temporary file in the folder of path
 * (TMP_PREFIX "TAG-NAME.XXXXXX", mode 0600); its name into *tmp (caller frees).
 * Returns the fd, or -1 after reporting.
 */
int tmpfile_beside(const char *path, char **tmp);

/*
 * tmpfile_noted: tmpfile_beside, the folder first noted for the sweep of
 * what interrupted commands leave (leftover_note): for the archives and
 * snapshots lethe writes, which hold personal data.
 */
int tmpfile_noted(const char *path, char **tmp);

/*
 * remove_tmp_of: under the run lock, remove the copies of path that
 * tmpfile_beside made and an interrupted lethe left beside it (regular
 * files only: a link of that name is left alone), whoever may write in
 * its folder.  Returns 0, or -1 after reporting.
 */
int remove_tmp_of(const char *path);

/*
 * rename_durable: rename from to to, then fsync to's folder.  Returns 0,
 * or -1 after reporting.
 */
int rename_durable(const char *from, const char *to);

/*
 * place_new: give the finished temporary file tmp the name path, which
 * must not exist yet (an existing file is never replaced), then fsync the
 * folder.  Returns 0, or -1 after reporting (tmp is left for the caller).
 */
int place_new(const char *tmp, const char *path);

/* fsync_dir: fsync the folder dir.  Returns 0, or -1 after reporting. */
int fsync_dir(const char *dir);

/* same_file: whether paths a and b both exist and are one file (the same
 * device and inode, whatever the names). */
int same_file(const char *a, const char *b);

/* dir_of: the folder part of path ("." when none); caller frees. */
char *dir_of(const char *path);

/* base_of: the last component of path (points into path). */
const char *base_of(const char *path);

/*
 * file_is_sqlite: 1 when the file at path (not followed if a symlink)
 * starts with SQLite's header, 0 when not (or empty), -1 when it cannot
 * be read.
 */
int file_is_sqlite(const char *path);

/* mkdir_p: make folder path and its parents (mode 0755 / 0700 for the
 * last).  Returns 0, or -1 after reporting. */
int mkdir_p(const char *path, int mode);

/*
 * mode_of_new: the mode mkdir(path, 0777) gives a folder: 0777 less the
 * umask (read by setting it back at once; call only while no other
 * thread of lethe makes files).
 */
unsigned mode_of_new(void);

#endif
