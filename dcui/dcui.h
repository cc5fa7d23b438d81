/* SPDX-License-Identifier: ISC */
/*
 * dcui, the direct console user interface: an ncurses program on the
 * host's console that shows the host's identity and lets an
 * administrator do the first-aid tasks (password, logs, agents, reset,
 * shut down).  It owns no host state: every read and every change is a VI
 * API call to hostd over its Unix socket (lib/viclient.c is the client),
 * in dcui's own session (a local ticket for the principal "dcui", so
 * hostd records each action under that name).  A person's password is
 * checked by hostd (Login in a throw-away session, and the console-admin
 * check through UserDirectory) and never kept once checked.
 *
 *	main.c		options, the screen loop
 *	ui.c		drawing, the frame, input fields, lists, messages
 *	host.c		the dcui session and the calls the screens share
 *	screen-*.c	one screen each; the menus are tables
 */
#ifndef DCUI_H
#define DCUI_H

#include <stddef.h>

struct viclient;

/* What a screen returns: the next screen to show. */
enum dcui_screen {
	DCUI_HOME,
	DCUI_LOGIN,
	DCUI_MENU,
	DCUI_PASSWORD,
	DCUI_LOGS,
	DCUI_AGENTS,
	DCUI_RESET,
	DCUI_NETWORK,
	DCUI_NETRESTART,
	DCUI_NETTEST,
	DCUI_SHUTDOWN,
	DCUI_QUIT,
	DCUI_NSCREENS
};

struct dcui {
	char		*d_root;	/* --root */
	char		*d_sock;	/* hostd's Unix socket */
	struct viclient	*d_conn;	/* dcui's session, or NULL */
	int		 d_colour;	/* colour pairs in use */
	char		*d_admin;	/* who logged in with F2, or NULL */
	int		 d_once;	/* draw the home screen, exit */
	size_t		 d_menusel;	/* the menu's current entry */
};

/* host.c */
/* Open dcui's own session (ticket login) if not open; 0 or -1 with
 * *cause (caller frees). */
int	host_session(struct dcui *, char **cause);
/* Drop the session (hostd went away); the next call reconnects. */
void	host_drop(struct dcui *);
/* Check user/password with hostd: 0 when they are right and the user may
 * use the console; -1 with *cause (a sentence for the screen). */
int	host_check_admin(struct dcui *, const char *user, const char *pw,
	    char **cause);
/* Call method on (type, id) with args in dcui's session; 0 with *text
 * (caller frees, may be NULL) the text of the first returnval, or -1
 * with *cause.  Reconnects once if the session has gone. */
struct vireply;
int	host_call(struct dcui *, const char *method, const char *type,
	    const char *id, const char *args, struct vireply *r, char **cause);
/* Properties paths of one object: values[i] (caller frees each, "" when
 * unset).  0 or -1 with *cause. */
int	host_props(struct dcui *, const char *type, const char *id,
	    const char *const *paths, size_t n, char **values, char **cause);
/* The <val> of property path of one object (NULL if unset; an array's
 * items are its children): 0 with *val, valid until the caller clears r,
 * or -1 with *cause. */
struct _xmlNode;
int	host_prop_val(struct dcui *, const char *type, const char *id,
	    const char *path, struct vireply *r, struct _xmlNode **val,
	    char **cause);

/* ui.c */
#define UI_KEY_ESC	27
void	ui_start(struct dcui *);
void	ui_end(void);
/* Clear and draw the frame with a title (top) and a hint (bottom). */
void	ui_frame(struct dcui *, const char *title, const char *hint);
/* Text at row y (relative to the body), attribute bold or normal. */
void	ui_text(int y, int bold, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* A line field: returns '\n' (entered), UI_KEY_ESC or KEY_RESIZE; the
 * text is in buf.  secret: stars. */
int	ui_field(int y, const char *label, char *buf, size_t len,
	    int secret);
/* A list of n items, current *sel: returns '\n', UI_KEY_ESC or a letter
 * key the caller handles. */
int	ui_list(struct dcui *, int y, const char *const *items, size_t n,
	    size_t *sel);
/* A message box; waits for a key. */
void	ui_message(struct dcui *, const char *title, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Yes/no: 1 for F11/'y', 0 otherwise. */
int	ui_confirm(struct dcui *, const char *title, const char *question);
int	ui_rows(void);
int	ui_cols(void);

/* screen-*.c */
enum dcui_screen screen_home_run(struct dcui *);
enum dcui_screen screen_login_run(struct dcui *);
enum dcui_screen screen_menu_run(struct dcui *);
enum dcui_screen screen_password_run(struct dcui *);
enum dcui_screen screen_logs_run(struct dcui *);
enum dcui_screen screen_agents_run(struct dcui *);
enum dcui_screen screen_reset_run(struct dcui *);
enum dcui_screen screen_network_run(struct dcui *);
enum dcui_screen screen_network_restart(struct dcui *);
enum dcui_screen screen_nettest_run(struct dcui *);
enum dcui_screen screen_shutdown_run(struct dcui *);

#endif
