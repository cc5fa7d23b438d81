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
 * or NULL with errno (ENOENT: no such user; other: the files could not
 * be read).  No group file is no groups.
 */
char			**account_groups(struct account *,
			    const char *user);
void			 account_groups_free(char **);
/*
 * A cheap version of passwd and group for callers that cache what they
 * read from them (hostd's per-session groups): account_generation costs
 * no I/O and changes whenever this struct account wrote either file or
 * account_invalidate was called; account_refresh also stats the two
 * files (never opens them) and moves the generation when one changed
 * since its last call (st_mtim to the nanosecond, st_ino, st_size,
 * st_dev) or is too recent for its stamp to be trusted.  The generation
 * is never 0, so callers may use 0 for "nothing cached".
 */
unsigned long long	 account_generation(const struct account *);
unsigned long long	 account_refresh(struct account *);
void			 account_invalidate(struct account *);
/*
 * 1 if logins as user are refused for now after too many failures (known
 * and unknown names alike, so this does not tell whether user exists);
 * for the message a person sees (dcui).
 */
int			 account_is_locked(struct account *,
			    const char *user);
/* 1 if the local user (group 0) or group (group 1) name exists. */
int			 account_exists(struct account *,
			    const char *name, int group);

/* ---- Changing the accounts (HostLocalAccountManager, dcui) ----
 *
 * Every change rewrites the files it touches atomically (lib/atomicfile.c;
 * shadow with mode 0600), so a crash leaves the old or the new file.  A
 * user is added to passwd before shadow and removed from shadow first, so
 * no moment has a password without its user.  Names are POSIX-style:
 * 1 to 32 of [a-z0-9_.-], not starting with '-' or '.'.  Passwords are
 * hashed with crypt(3) SHA-512 ("$6$", a random salt) and must have at
 * least ACCOUNT_PASSWORD_MIN characters; the only empty password is the
 * one a fresh host's root starts with.  On error these return -1 with
 * errno EINVAL (*cause starts with the offending field: "id: ",
 * "password: ", "description: ", "posixId: "), EEXIST, ENOENT (no such
 * user or group), EPERM (root cannot be removed, nor the group
 * localadmin) or an I/O errno, and *cause set (caller frees).  Nothing
 * is logged but names.
 */
#define ACCOUNT_PASSWORD_MIN	8
/* The group whose members may use the console (dcui), with root. */
#define ACCOUNT_CONSOLE_GROUP	"localadmin"

/*
 * Add user with password (NULL: the account is created locked, no login
 * until a password is set), description (GECOS; NULL: none), uid (-1:
 * the next free one from 1001) and a login shell when shell is set.
 */
int	account_user_add(struct account *, const char *user,
	    const char *password, const char *description, long uid,
	    int shell, char **cause);
/* New password, in effect for the next login at once. */
int	account_user_set_password(struct account *, const char *user,
	    const char *password, char **cause);
int	account_user_set_description(struct account *, const char *user,
	    const char *description, char **cause);
/* Shell access on (1) or off (0). */
int	account_user_set_shell(struct account *, const char *user,
	    int shell, char **cause);
/* Remove user and its group memberships (root: EPERM). */
int	account_user_remove(struct account *, const char *user,
	    char **cause);
/* Add a group (gid -1: the next free one from 1001); remove one. */
int	account_group_add(struct account *, const char *group, long gid,
	    char **cause);
int	account_group_remove(struct account *, const char *group,
	    char **cause);
/*
 * Make user a member of group (add 1) or not (add 0).  EEXIST: already
 * a member; ENOENT: no such user or group; ESRCH: not a member.
 */
int	account_group_member(struct account *, const char *user,
	    const char *group, int add, char **cause);
/*
 * 1 if user may use the local console: root, or a member of
 * ACCOUNT_CONSOLE_GROUP.  0 otherwise (also for an unknown user).
 */
int	account_is_console_admin(struct account *, const char *user);

/* A user (from passwd) or a group (from group), for searches. */
struct account_entry {
	char	*ae_name;
	char	*ae_fullname;	/* GECOS name; the name for groups */
	long	 ae_id;		/* uid or gid */
	int	 ae_shell;	/* users: has a login shell */
};

/*
 * Every user (group 0) or group (group 1), in file order, as an array of
 * *n entries the caller frees with account_list_free; NULL with errno
 * when the file cannot be read (a missing file is an empty list).
 */
struct account_entry	*account_list(struct account *, int group,
			    size_t *n);
void			 account_list_free(struct account_entry *, size_t);

#endif /* ACCOUNT_H */
