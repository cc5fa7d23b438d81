/* SPDX-License-Identifier: ISC */
/*
 * Configure Password: root's password, as ESX's console changes it.  The
 * old one is checked by hostd (a Login), the new one typed twice, and set
 * with HostLocalAccountManager.UpdateUser in dcui's session, so hostd
 * records the change under "dcui" and applies its own password rules.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "buf.h"
#include "dcui.h"
#include "viclient.h"
#include "vireply.h"
#include "xmalloc.h"

static int	screen_password_set(struct dcui *, const char *, char **);

static int
screen_password_set(struct dcui *d, const char *pw, char **cause)
{
	struct buf	 a;
	struct vireply	 r;
	int		 rc;

	buf_init(&a);
	buf_str(&a, "<user xsi:type=\"HostPosixAccountSpec\">");
	buf_elem(&a, "id", "root");
	buf_elem(&a, "password", pw);
	buf_str(&a, "</user>");
	rc = host_call(d, "UpdateUser", "HostLocalAccountManager",
	    "ha-localacctmgr", a.b_data, &r, cause);
	explicit_bzero(a.b_data, a.b_len);
	buf_free(&a);
	if (rc == 0)
		vireply_clear(&r);
	return (rc);
}

enum dcui_screen
screen_password_run(struct dcui *d)
{
	char	pw[3][256], *cause = NULL;
	int	field = 0, ch;
	static const char *const labels[3] = {
		"Old Password:     ", "New Password:     ", "Confirm Password: "
	};

	memset(pw, 0, sizeof pw);
	while (field < 3) {
		ui_frame(d, "Configure Password",
		    "<Enter> Next   <Esc> Cancel");
		ui_text(0, 1, "Change the password of root.");
		for (ch = 0; ch < field; ch++)
			ui_text(2 + ch, 0, "%s%.*s", labels[ch],
			    (int)strlen(pw[ch]), "****************************"
			    "********************************************");
		ch = ui_field(2 + field, labels[field], pw[field],
		    sizeof pw[field], 1);
		if (ch == KEY_RESIZE)
			continue;
		if (ch == UI_KEY_ESC) {
			explicit_bzero(pw, sizeof pw);
			return (DCUI_MENU);
		}
		field++;
	}
	if (strcmp(pw[1], pw[2]) != 0)
		ui_message(d, "Configure Password", "The new passwords do not "
		    "match.  The password is unchanged.");
	else if (host_check_admin(d, "root", pw[0], &cause) == -1)
		ui_message(d, "Configure Password", "The old password is not "
		    "right.  The password is unchanged.\n%s", cause);
	else if (screen_password_set(d, pw[1], &cause) == -1)
		ui_message(d, "Configure Password", "hostd refused the new "
		    "password:\n%s", cause);
	else
		ui_message(d, "Configure Password", "The password of root "
		    "has been changed.");
	explicit_bzero(pw, sizeof pw);
	free(cause);
	return (DCUI_MENU);
}
