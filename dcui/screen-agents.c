/* SPDX-License-Identifier: ISC */
/*
 * Restart Management Agents and their status: hostd's serviceInfo (hostd,
 * the CIM server, vpxa, running or not), and on confirmation
 * HostServiceSystem.RestartService for each one that runs, hostd last
 * since its restart ends our session (host.c logs in again).  Running VMs
 * are not touched: vmx outlives hostd.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>

#include "buf.h"
#include "dcui.h"
#include "viclient.h"
#include "vireply.h"
#include "xmalloc.h"

#define SCREEN_AGENTS_MAX	8

struct screen_agents_svc {
	char	*as_key;
	char	*as_label;
	int	 as_running;
};

static size_t	screen_agents_list(struct dcui *, struct screen_agents_svc *,
		    char **);

static size_t
screen_agents_list(struct dcui *d, struct screen_agents_svc *s, char **cause)
{
	struct vireply	 r;
	xmlNodePtr	 v, p;
	char		*run;
	size_t		 k = 0;

	if (host_prop_val(d, "HostServiceSystem", "serviceSystem",
	    "serviceInfo", &r, &v, cause) == -1)
		return (0);
	for (p = v != NULL ? v->children : NULL; p != NULL &&
	    k < SCREEN_AGENTS_MAX; p = p->next) {
		if (p->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)p->name, "service") != 0)
			continue;
		s[k].as_key = vireply_field(p, "key");
		s[k].as_label = vireply_field(p, "label");
		run = vireply_field(p, "running");
		s[k].as_running = run != NULL && strcmp(run, "true") == 0;
		free(run);
		if (s[k].as_key == NULL || s[k].as_label == NULL) {
			free(s[k].as_key);
			free(s[k].as_label);
			continue;
		}
		k++;
	}
	vireply_clear(&r);
	return (k);
}

enum dcui_screen
screen_agents_run(struct dcui *d)
{
	struct screen_agents_svc	 s[SCREEN_AGENTS_MAX];
	struct vireply			 r;
	struct buf			 a, out;
	char				*cause = NULL, *msg;
	size_t				 n, i, j;
	int				 ch;

	for (;;) {
		n = screen_agents_list(d, s, &cause);
		ui_frame(d, "Restart Management Agents",
		    "<R> Restart the agents   <Esc> Back");
		if (cause != NULL) {
			ui_text(1, 1, "hostd cannot list the agents: %s",
			    cause);
			free(cause);
			cause = NULL;
		}
		ui_text(0, 1, "Management agents:");
		for (i = 0; i < n; i++)
			ui_text(2 + (int)i, 0, "%-32s %-16s %s", s[i].as_label,
			    s[i].as_key, s[i].as_running ? "Running" :
			    "Not running");
		ui_text(3 + (int)n, 0, "Restarting the agents interrupts "
		    "remote management;");
		ui_text(4 + (int)n, 0, "running virtual machines are not "
		    "affected.");
		refresh();
		ch = getch();
		if (ch == UI_KEY_ESC || ch == 'q') {
			for (i = 0; i < n; i++) {
				free(s[i].as_key);
				free(s[i].as_label);
			}
			return (DCUI_MENU);
		}
		if (ch != 'r' && ch != 'R' && ch != '\n' && ch != '\r') {
			for (i = 0; i < n; i++) {
				free(s[i].as_key);
				free(s[i].as_label);
			}
			continue;
		}
		if (!ui_confirm(d, "Restart Management Agents",
		    "Restart the management agents?")) {
			for (i = 0; i < n; i++) {
				free(s[i].as_key);
				free(s[i].as_label);
			}
			continue;
		}
		buf_init(&out);
		/* hostd last: its restart ends this session. */
		for (j = 0; j < 2 * n; j++) {
			i = j % n;
			if ((strcmp(s[i].as_key, "hostd") == 0) != (j >= n))
				continue;
			if (!s[i].as_running) {
				buf_printf(&out, "%s: not running\n",
				    s[i].as_label);
				continue;
			}
			buf_init(&a);
			buf_elem(&a, "id", s[i].as_key);
			if (host_call(d, "RestartService",
			    "HostServiceSystem", "serviceSystem", a.b_data,
			    &r, &cause) == -1) {
				buf_printf(&out, "%s: FAILED: %s\n",
				    s[i].as_label, cause);
				free(cause);
				cause = NULL;
			} else {
				vireply_clear(&r);
				buf_printf(&out, "%s: restarted\n",
				    s[i].as_label);
			}
			buf_free(&a);
		}
		/* Let hostd come back before the next screen asks it. */
		sleep(2);
		host_drop(d);
		msg = buf_take(&out);
		ui_message(d, "Restart Management Agents", "%s", msg);
		free(msg);
		for (i = 0; i < n; i++) {
			free(s[i].as_key);
			free(s[i].as_label);
		}
	}
}
