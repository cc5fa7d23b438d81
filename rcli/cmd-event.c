/* SPDX-License-Identifier: ISC */
/*
 * rcli event: EventManager.QueryEvents for the list (optionally of one
 * VM), sorted by key, the last --max of them.  follow prints the last few
 * and then every new one: a property collector of our own waits
 * (WaitForUpdatesEx, short waits so a signal ends it promptly) on
 * EventManager.latestEvent, and each wake-up queries the events after the
 * last key printed, so a burst between two waits is never lost.
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rcli.h"
#include "xmalloc.h"
#include "xml.h"

struct cmd_event {
	long		 ce_key;
	xmlNodePtr	 ce_node;
};

static int	cmd_event_list(struct rcli *, struct args *);
static int	cmd_event_follow(struct rcli *, struct args *);
static int	cmd_event_query(struct viclient *, const char *,
		    struct vireply *, struct cmd_event **, size_t *);
static int	cmd_event_cmp(const void *, const void *);
static struct table *cmd_event_table(const struct cmd_event *, size_t,
		    size_t, long);
static void	cmd_event_onsig(int);

static const char cmd_event_usage[] =
    "usage: rcli event <verb> ...\n"
    "  list [--max N] [--vm VM]     the last N events (default 50)\n"
    "  follow [--vm VM]             the last 10 events, then new ones as\n"
    "                               they come, until interrupted\n";

static const struct rcli_verb cmd_event_verbs[] = {
	{ "list", cmd_event_list },
	{ "follow", cmd_event_follow },
	{ NULL, NULL }
};

const struct rcli_noun cmd_event_noun = {
	"event", "the host's events: list, follow",
	cmd_event_usage, cmd_event_verbs
};

static volatile sig_atomic_t cmd_event_stop;

static int
cmd_event_cmp(const void *a, const void *b)
{
	const struct cmd_event	*x = a, *y = b;

	return (x->ce_key < y->ce_key ? -1 : x->ce_key > y->ce_key);
}

/* QueryEvents (of VM id vm, if not NULL) into *ev, sorted by key. */
static int
cmd_event_query(struct viclient *c, const char *vm, struct vireply *rep,
    struct cmd_event **ev, size_t *n)
{
	struct buf	 b;
	xmlNodePtr	 rv;
	char		*k;
	int		 rc;

	*ev = NULL;
	*n = 0;
	buf_init(&b);
	buf_str(&b, "<filter>");
	if (vm != NULL) {
		buf_str(&b, "<entity>");
		buf_moref(&b, "entity", "VirtualMachine", vm);
		buf_str(&b, "<recursion>self</recursion></entity>");
	}
	buf_str(&b, "</filter>");
	rc = viclient_call(c, "QueryEvents", "EventManager", "ha-eventmgr",
	    b.b_data, rep);
	buf_free(&b);
	if (rc == -1)
		return (-1);
	for (rv = vireply_returnval(rep); rv != NULL; rv = vireply_next(rv)) {
		*ev = xreallocarray(*ev, *n + 1, sizeof **ev);
		k = vireply_field(rv, "key");
		(*ev)[*n].ce_key = k != NULL ? strtol(k, NULL, 10) : 0;
		(*ev)[*n].ce_node = rv;
		free(k);
		(*n)++;
	}
	if (*n > 1)
		qsort(*ev, *n, sizeof **ev, cmd_event_cmp);
	return (0);
}

/* A table of events [from, n) with a key above after. */
static struct table *
cmd_event_table(const struct cmd_event *ev, size_t from, size_t n,
    long after)
{
	static const char *const cols[] = { "key:n", "time", "type", "user",
	    "vm", "message", NULL };
	struct table	*t;
	char		*v[6];
	size_t		 i;

	t = table_create(cols);
	for (i = from; i < n; i++) {
		if (ev[i].ce_key <= after)
			continue;
		v[0] = vireply_field(ev[i].ce_node, "key");
		v[1] = viprops_path(ev[i].ce_node, "createdTime");
		v[2] = vireply_xsitype(ev[i].ce_node);
		if (v[2] == NULL)
			v[2] = xstrdup("Event");
		v[3] = viprops_path(ev[i].ce_node, "userName");
		v[4] = viprops_path(ev[i].ce_node, "vm/name");
		v[5] = viprops_path(ev[i].ce_node, "fullFormattedMessage");
		table_add_free(t, v, 6);
	}
	return (t);
}

static int
cmd_event_list(struct rcli *r, struct args *a)
{
	const char	*max = NULL, *vm = NULL;
	unsigned long long m = 50;
	struct viclient	*c;
	struct vireply	 rep;
	struct cmd_event *ev;
	struct table	*t;
	char		*id = NULL;
	size_t		 n;

	if (args_opt(a, "--max", &max) == -1 ||
	    args_opt(a, "--vm", &vm) == -1)
		return (RCLI_EXIT_USAGE);
	if ((max != NULL && args_ulong(a, "--max", max, &m) == -1) ||
	    args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	if (vm != NULL && viprops_find(c, "VirtualMachine", vm, &id) == -1)
		return (conn_perror(c));
	if (cmd_event_query(c, id, &rep, &ev, &n) == -1) {
		free(id);
		return (conn_perror(c));
	}
	free(id);
	t = cmd_event_table(ev, n > m ? n - (size_t)m : 0, n, -1);
	free(ev);
	vireply_clear(&rep);
	return (main_output(r, t));
}

static void
cmd_event_onsig(int sig)
{
	cmd_event_stop = 1;
}

static int
cmd_event_follow(struct rcli *r, struct args *a)
{
	const char	*vm = NULL;
	struct viclient	*c;
	struct vireply	 rep;
	struct cmd_event *ev;
	struct sigaction sa;
	struct buf	 b;
	struct table	*t;
	char		*id = NULL, *pc = NULL, *version = NULL;
	long		 last = -1;
	size_t		 n;
	int		 rc = RCLI_EXIT_OK, first = 1;

	if (args_opt(a, "--vm", &vm) == -1 || args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	if (vm != NULL && viprops_find(c, "VirtualMachine", vm, &id) == -1)
		return (conn_perror(c));
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cmd_event_onsig;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (viclient_call(c, "CreatePropertyCollector", "PropertyCollector",
	    "ha-property-collector", NULL, &rep) == -1)
		goto fail;
	pc = xml_text(vireply_returnval(&rep));
	vireply_clear(&rep);
	if (viclient_call(c, "CreateFilter", "PropertyCollector", pc,
	    "<spec><propSet><type>EventManager</type><all>false</all>"
	    "<pathSet>latestEvent</pathSet></propSet><objectSet>"
	    "<obj type=\"EventManager\">ha-eventmgr</obj><skip>false</skip>"
	    "</objectSet></spec><partialUpdates>false</partialUpdates>",
	    &rep) == -1)
		goto fail;
	vireply_clear(&rep);
	while (!cmd_event_stop) {
		/* Query first, then wait: nothing falls between the two. */
		if (cmd_event_query(c, id, &rep, &ev, &n) == -1)
			goto fail;
		t = cmd_event_table(ev, last < 0 && n > 10 ? n - 10 : 0, n,
		    last);
		if (n > 0 && ev[n - 1].ce_key > last)
			last = ev[n - 1].ce_key;
		free(ev);
		vireply_clear(&rep);
		table_stream(t, first);
		first = 0;
		if ((rc = main_output(r, t)) != RCLI_EXIT_OK)
			break;
		do {
			buf_init(&b);
			buf_elem(&b, "version", version != NULL ? version :
			    "");
			buf_str(&b, "<options><maxWaitSeconds>1"
			    "</maxWaitSeconds></options>");
			if (viclient_call(c, "WaitForUpdatesEx",
			    "PropertyCollector", pc, b.b_data, &rep) == -1) {
				buf_free(&b);
				goto fail;
			}
			buf_free(&b);
			if (vireply_returnval(&rep) != NULL) {
				free(version);
				version = vireply_field(vireply_returnval(&rep),
				    "version");
				vireply_clear(&rep);
				break;
			}
			vireply_clear(&rep);
		} while (!cmd_event_stop);
	}
	goto out;
fail:
	rc = conn_perror(c);
out:
	if (pc != NULL && viclient_call(c, "DestroyPropertyCollector",
	    "PropertyCollector", pc, NULL, &rep) == 0)
		vireply_clear(&rep);
	free(pc);
	free(version);
	free(id);
	return (rc);
}
