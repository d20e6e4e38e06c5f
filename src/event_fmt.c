/*
 * event_fmt.c: formatting ledger events.
 */
#include <inttypes.h>
#include <string.h>

#include "event_fmt.h"
#include "banned.h"

static void
json_ids(const char *ids, struct strbuf *sb)
{
	const char *p = ids;
	int first = 1;

	sb_addc(sb, '[');
	while (p != NULL && *p) {
		const char *end = strchr(p, ' ');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (!first)
			sb_addc(sb, ',');
		sb_addc(sb, '"');
		sb_add(sb, p, n);
		sb_addc(sb, '"');
		first = 0;
		p = end ? end + 1 : NULL;
	}
	sb_addc(sb, ']');
}

void
event_csv_header(struct strbuf *sb)
{
	sb_adds(sb, "seq,at,type,subject,reason,request,scope,ref,ref_last,"
		    "ids,data,prev,hash\n");
}

static void
csv_num(struct strbuf *sb, int64_t v)
{
	if (v != 0)
		sb_addf(sb, "%" PRId64, v);
	sb_addc(sb, ',');
}

void
event_format(const struct event *ev, int f, struct strbuf *sb)
{
	if (f == EVF_JSON) {
		sb_addf(sb, "{\"seq\":%" PRId64 ",\"at\":", ev->seq);
		sb_add_json(sb, ev->at);
		sb_adds(sb, ",\"type\":");
		sb_add_json(sb, ev->type);
		sb_adds(sb, ",\"subject\":");
		sb_add_json(sb, ev->subject);
		sb_adds(sb, ",\"reason\":");
		sb_add_json(sb, ev->reason);
		sb_adds(sb, ",\"request\":");
		sb_add_json(sb, ev->request);
		sb_adds(sb, ",\"scope\":");
		sb_add_json(sb, ev->scope);
		if (ev->ref != 0)
			sb_addf(sb, ",\"ref\":%" PRId64 ",\"ref_last\":%"
				PRId64, ev->ref, ev->ref_last);
		else
			sb_adds(sb, ",\"ref\":null,\"ref_last\":null");
		sb_adds(sb, ",\"ids\":");
		json_ids(ev->ids, sb);
		sb_adds(sb, ",\"data\":");
		sb_adds(sb, ev->data && *ev->data ? ev->data : "{}");
		sb_adds(sb, ",\"prev\":");
		sb_add_json(sb, ev->prev);
		sb_adds(sb, ",\"hash\":");
		sb_add_json(sb, ev->hash);
		sb_adds(sb, "}\n");
		return;
	}
	if (f == EVF_CSV) {
		sb_addf(sb, "%" PRId64 ",", ev->seq);
		sb_add_csv(sb, ev->at);
		sb_addc(sb, ',');
		sb_add_csv(sb, ev->type);
		sb_addc(sb, ',');
		sb_add_csv(sb, ev->subject);
		sb_addc(sb, ',');
		sb_add_csv(sb, ev->reason);
		sb_addc(sb, ',');
		sb_add_csv(sb, ev->request);
		sb_addc(sb, ',');
		sb_add_csv(sb, ev->scope);
		sb_addc(sb, ',');
		csv_num(sb, ev->ref);
		csv_num(sb, ev->ref_last);
		sb_add_csv(sb, ev->ids);
		sb_addc(sb, ',');
		sb_add_csv(sb, ev->data);
		sb_addc(sb, ',');
		sb_add_csv(sb, ev->prev);
		sb_addc(sb, ',');
		sb_add_csv(sb, ev->hash);
		sb_addc(sb, '\n');
		return;
	}
	sb_addf(sb, "%6" PRId64 "  %s  %-8s", ev->seq, ev->at, ev->type);
	if (ev->subject)
		sb_addf(sb, "  subject %s", ev->subject);
	if (ev->reason)
		sb_addf(sb, "  reason %s", ev->reason);
	if (ev->request)
		sb_addf(sb, "  request %s", ev->request);
	if (ev->scope)
		sb_addf(sb, "  table %s", ev->scope);
	if (ev->ref)
		sb_addf(sb, "  intents %" PRId64 "..%" PRId64, ev->ref,
			ev->ref_last);
	if (ev->data && strcmp(ev->data, "{}") != 0)
		sb_addf(sb, "  %s", ev->data);
	sb_addc(sb, '\n');
}

void
event_show(const struct event *ev, struct strbuf *sb)
{
	sb_addf(sb, "seq:      %" PRId64 "\n", ev->seq);
	sb_addf(sb, "at:       %s\n", ev->at ? ev->at : "");
	sb_addf(sb, "type:     %s\n", ev->type ? ev->type : "");
	sb_addf(sb, "subject:  %s\n", ev->subject ? ev->subject : "-");
	sb_addf(sb, "reason:   %s\n", ev->reason ? ev->reason : "-");
	sb_addf(sb, "request:  %s\n", ev->request ? ev->request : "-");
	sb_addf(sb, "table:    %s\n", ev->scope ? ev->scope : "-");
	if (ev->ref)
		sb_addf(sb, "intents:  %" PRId64 "..%" PRId64 "\n", ev->ref,
			ev->ref_last);
	sb_addf(sb, "ids:      %s\n", ev->ids ? ev->ids : "-");
	sb_addf(sb, "data:     %s\n", ev->data ? ev->data : "{}");
	sb_addf(sb, "prev:     %s\n", ev->prev ? ev->prev : "");
	sb_addf(sb, "hash:     %s\n", ev->hash ? ev->hash : "");
}
