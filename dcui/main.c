/* SPDX-License-Identifier: ISC */
/*
 * dcui: options, then the screen loop.  Each screen returns the next one;
 * the table below is the whole navigation.
 */

#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "dcui.h"
#include "xmalloc.h"

static const struct {
	enum dcui_screen	  ms_id;
	enum dcui_screen	(*ms_run)(struct dcui *);
} main_screens[] = {
	{ DCUI_HOME, screen_home_run },
	{ DCUI_LOGIN, screen_login_run },
	{ DCUI_MENU, screen_menu_run },
	{ DCUI_PASSWORD, screen_password_run },
	{ DCUI_LOGS, screen_logs_run },
	{ DCUI_AGENTS, screen_agents_run },
	{ DCUI_RESET, screen_reset_run },
	{ DCUI_NETWORK, screen_network_run },
	{ DCUI_NETRESTART, screen_network_restart },
	{ DCUI_NETTEST, screen_nettest_run },
	{ DCUI_SHUTDOWN, screen_shutdown_run },
};

static const struct option main_longopts[] = {
	{ "help",	no_argument,		NULL,	'h' },
	{ "root",	required_argument,	NULL,	'r' },
	{ "socket",	required_argument,	NULL,	's' },
	{ "version",	no_argument,		NULL,	'V' },
	{ NULL,		0,			NULL,	0 }
};

static void	main_usage(FILE *);

static void
main_usage(FILE *f)
{
	fprintf(f, "usage: dcui [--root DIR] [--socket PATH]\n"
	    "\n"
	    "The direct console user interface of a Vireo host.\n"
	    "\n"
	    "  --root DIR      the host's root (default /)\n"
	    "  --socket PATH   hostd's Unix socket (default "
	    "DIR/run/vireo/hostd.sock)\n"
	    "  --help          this text\n"
	    "  --version       the version\n"
	    "\n"
	    "Keys: F2 customize the system and view logs, F12 shut down or "
	    "restart,\narrows and Enter to choose, Esc to go back.  See "
	    "dcui(8).\n");
}

int
main(int argc, char **argv)
{
	struct dcui		 d;
	enum dcui_screen	 s = DCUI_HOME;
	const char		*root = "/";
	size_t			 i;
	int			 ch;

	memset(&d, 0, sizeof d);
	while ((ch = getopt_long(argc, argv, "hr:s:V", main_longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'h':
			main_usage(stdout);
			return (0);
		case 'r':
			root = optarg;
			break;
		case 's':
			d.d_sock = xstrdup(optarg);
			break;
		case 'V':
			printf("dcui %s\n", VERSION);
			return (0);
		default:
			main_usage(stderr);
			return (2);
		}
	}
	if (optind != argc) {
		main_usage(stderr);
		return (2);
	}
	d.d_root = xstrdup(root);
	if (d.d_sock == NULL)
		xasprintf(&d.d_sock, "%s/run/vireo/hostd.sock",
		    strcmp(root, "/") == 0 ? "" : root);
	setlocale(LC_ALL, "");
	/* A hostd that closes the socket must not kill the console. */
	signal(SIGPIPE, SIG_IGN);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		fprintf(stderr, "dcui: cannot initialise libcurl\n");
		return (1);
	}
	ui_start(&d);
	while (s != DCUI_QUIT) {
		for (i = 0; i < sizeof main_screens / sizeof main_screens[0];
		    i++)
			if (main_screens[i].ms_id == s)
				break;
		if (i == sizeof main_screens / sizeof main_screens[0])
			break;
		s = main_screens[i].ms_run(&d);
	}
	ui_end();
	host_drop(&d);
	curl_global_cleanup();
	free(d.d_admin);
	free(d.d_root);
	free(d.d_sock);
	return (0);
}
