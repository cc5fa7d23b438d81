/* SPDX-License-Identifier: ISC */
/*
 * rcli network: the Network objects (port groups) and how many VMs use
 * each, read through a ContainerView like everything else.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "rcli.h"
#include "xmalloc.h"
#include "xml.h"

static int	cmd_network_list(struct rcli *, struct args *);

static const char cmd_network_usage[] =
    "usage: rcli network <verb>\n"
    "  list      networks (port groups), accessibility, VM count\n";

static const struct rcli_verb cmd_network_verbs[] = {
	{ "list", cmd_network_list },
	{ NULL, NULL }
};

const struct rcli_noun cmd_network_noun = {
	"network", "networks (port groups)",
	cmd_network_usage, cmd_network_verbs
};

static int
cmd_network_list(struct rcli *r, struct args *a)
{
	static const char *const cols[] = { "id", "name", "accessible",
	    "vms:n", NULL };
	static const char *const paths[] = { "name", "summary", "vm", NULL };
	struct viclient	*c;
	struct viprops	 p;
	struct table	*t;
	xmlNodePtr	 vm;
	char		*v[4];
	size_t		 i, n;

	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	if (viprops_all(c, "Network", paths, &p) == -1)
		return (conn_perror(c));
	t = table_create(cols);
	for (i = 0; i < p.p_n; i++) {
		n = 0;
		for (vm = xml_child(viprops_val(&p.p_obj[i], "vm"), NULL, NULL);
		    vm != NULL; vm = xml_next(vm, NULL, NULL))
			n++;
		v[0] = xstrdup(p.p_obj[i].po_id);
		v[1] = viprops_text(&p.p_obj[i], "name");
		v[2] = viprops_path(viprops_val(&p.p_obj[i], "summary"),
		    "accessible");
		xasprintf(&v[3], "%zu", n);
		table_add_free(t, v, 4);
	}
	viprops_free(&p);
	return (main_output(r, t));
}
