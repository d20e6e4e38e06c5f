/*
 * log.h: diagnostics on stderr, the one place they are written.
 *
 * Every line starts "lethe: ".  Under systemd (JOURNAL_STREAM set) each line
 * gets the journald priority prefix "<N>" so journalctl shows its level.
 * Messages follow git's way: lowercase, no full stop, what failed, the thing
 * quoted, the cause last.
 */
#ifndef LOG_H
#define LOG_H

/*
 * Rows named one warning each (a NULL or unreadable date), per table and
 * command; past that, one line counts the rest.
 */
#define LOG_MAX_ROWS 100

/* log_setup: decide on priority prefixes; call once from main. */
void log_setup(void);

/* log_err: an error (priority 3). */
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* log_errno: an error followed by ": " and strerror(errno) (priority 3). */
void log_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* log_warn: "warning: " and the message (priority 4). */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* log_notice: one line per action taken (priority 5). */
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* log_info: anything else worth a line (priority 6). */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
