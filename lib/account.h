/* SPDX-License-Identifier: ISC */
/*
 * Local accounts: the host's users and groups under --root
 * (etc/vireo/passwd, shadow, group), password checks with lockout.
 * Shared by every daemon that authenticates a person (hostd's Login,
 * cimom's Basic auth, dcui through hostd), so one set of rules applies.
 */

#ifndef ACCOUNT_H
#define ACCOUNT_H

/* Defaults of ESX's Security.AccountLockFailures and AccountUnlockTime (s). */
#define ACCOUNT_LOCK_FAILURES	5
#define ACCOUNT_UNLOCK_TIME		900

struct account;

/*
 * Password checks against <root>/etc/vireo/{passwd,shadow,group}, read at
 * each call.  After lock_failures consecutive failures (0: never) a user
 * name is refused, even with the right password, for unlock_time seconds.
 */
struct account	*account_create(const char *root,
			    unsigned int lock_failures,
			    unsigned int unlock_time);
void			 account_free(struct account *);
/*
 * 0 if password is user's (and *fullname, if not NULL, is set to the
 * GECOS name or the user name; caller frees), else -1 with errno EACCES
 * (wrong password, unknown user, locked; not told apart) or another errno
 * when the files cannot be read.  peer is only for the log.
 */
int			 account_login(struct account *,
			    const char *user, const char *password,
			    const char *peer, char **fullname);
/*
 * The groups of user (primary from passwd, then etc/vireo/group members)
 * as a NULL-terminated array the caller frees with account_groups_free,
 * or NULL with errno (ENOENT: no such user).
 */
char			**account_groups(struct account *,
			    const char *user);
void			 account_groups_free(char **);
/* 1 if the local user (group 0) or group (group 1) name exists. */
int			 account_exists(struct account *,
			    const char *name, int group);

#endif /* ACCOUNT_H */
