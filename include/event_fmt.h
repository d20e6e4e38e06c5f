/*
 * event_fmt.h: ledger events as text, JSON and CSV lines.
 */
#ifndef EVENT_FMT_H
#define EVENT_FMT_H

#include "ledger.h"
#include "strbuf.h"

enum event_format { EVF_TEXT, EVF_JSON, EVF_CSV };

/* event_format: append ev as one line (with '\n') in format f to sb. */
void event_format(const struct event *ev, int f, struct strbuf *sb);

/* event_csv_header: append the CSV header line to sb. */
void event_csv_header(struct strbuf *sb);

/* event_show: append ev as "field: value" lines to sb. */
void event_show(const struct event *ev, struct strbuf *sb);

#endif
