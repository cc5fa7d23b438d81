/* SPDX-License-Identifier: ISC */
/*
 * VMware-style "key = value" files: .vmx, .vmsd and our own hostd.conf.
 *
 * Format, as read:
 *  - one entry per line, `key = "value"`; spaces and tabs around `=` are
 *    optional; an unquoted value is taken up to a `#` and trimmed;
 *  - lines starting with `#` (after blanks) are comments; blank lines are
 *    allowed; a comment may follow a value;
 *  - keys are letters, digits and . _ : - / and are compared without regard
 *    to case; a key may appear several times and the last one wins;
 *  - in values, `|XX` (two hex digits) stands for the byte 0xXX: `|22` is
 *    `"`, `|7C` is `|`, `|0A` a newline; `|00` is refused;
 *  - lines end in LF or CRLF; a leading UTF-8 byte order mark is ignored;
 *  - limits: CFG_LINE_MAX bytes per line, CFG_FILE_MAX bytes per file.
 *
 * Lines that are not changed are written back byte for byte (comments,
 * blank lines, unknown keys, spacing, order); a changed entry is rewritten
 * in place as `key = "value"`; a new entry is appended.
 *
 * A struct cfg is not thread-safe; distinct ones are independent.
 */
#ifndef VIREO_CFG_H
#define VIREO_CFG_H

#include <stddef.h>

/* Longest line (without its line end) and largest file accepted. */
#define CFG_LINE_MAX	65536
#define CFG_FILE_MAX	(1024 * 1024)

struct cfg;

/* An empty configuration (no lines).  Never NULL. */
struct cfg	*cfg_create(void);

/*
 * Parse len bytes at buf (need not be NUL-terminated; buf may be NULL when
 * len is 0).  name is used only in messages (NULL reads "(config)").
 * Returns a new cfg, or NULL with errno EINVAL (EFBIG for the size limit)
 * and *cause set to "name:LINE:COL: message" (1-based byte column), which
 * the caller frees.  Never crashes on any input.
 */
struct cfg	*cfg_parse(const char *buf, size_t len, const char *name,
		    char **cause);

/*
 * Read and parse the file at path.  NULL with errno and *cause
 * ("path: strerror", or a cfg_parse message naming path) on failure.
 */
struct cfg	*cfg_load(const char *path, char **cause);

/* Free everything; accepts NULL. */
void		 cfg_free(struct cfg *);

/*
 * The decoded value of the last entry whose key equals key without regard
 * to case, or NULL if there is none.  Borrowed: valid until the next
 * cfg_set, cfg_unset or cfg_free on this cfg.
 */
const char	*cfg_get(const struct cfg *, const char *key);

/*
 * key as a boolean: TRUE/FALSE, yes/no, on/off, 1/0 in any case give 1 or
 * 0; an absent key or any other value gives def.
 */
int		 cfg_get_bool(const struct cfg *, const char *key, int def);

/*
 * key as a decimal integer in [min, max] (optional sign, no blanks).  An
 * absent key stores def in *out and returns 0; a valid value is stored and
 * 0 returned; otherwise returns -1 with errno ERANGE or EINVAL and *cause
 * "key: 'x' is not a number between min and max" (x shortened and made
 * printable).  *out is not changed on error.
 */
int		 cfg_get_int(const struct cfg *, const char *key, long long min,
		    long long max, long long def, long long *out, char **cause);

/*
 * 1 if key may be stored: 1 to 256 bytes of letters, digits and . _ : - /
 */
int		 cfg_key_is_valid(const char *key);

/*
 * Give key the value value (both copied).  The last entry with that key
 * (case-insensitive) is rewritten in place, keeping the key's spelling;
 * otherwise a new entry is appended.  Setting the current value changes
 * nothing, so the line keeps its original bytes.  Returns 0, or -1 with
 * errno EINVAL and *cause (caller frees) when the key is not valid
 * (cfg_key_is_valid) or the line would exceed CFG_LINE_MAX; then nothing
 * changes.  Use this one for keys or values from outside (extraConfig).
 */
int		 cfg_try_set(struct cfg *, const char *key, const char *value,
		    char **cause);

/*
 * cfg_try_set for keys and values the program chose itself: an invalid
 * key or oversized value is a bug and is ignored (logged at debug level),
 * so the file always stays loadable.
 */
void		 cfg_set(struct cfg *, const char *key, const char *value);

/* Remove every entry with key (any case).  0, or -1 with errno ENOENT. */
int		 cfg_unset(struct cfg *, const char *key);

/*
 * Entries (lines holding a key) in file order, duplicates included:
 * cfg_key and cfg_value return the i-th key as written and its decoded
 * value, borrowed like cfg_get, or NULL when i >= cfg_count.
 */
size_t		 cfg_count(const struct cfg *);
const char	*cfg_key(const struct cfg *, size_t i);
const char	*cfg_value(const struct cfg *, size_t i);

/*
 * The file's text: unchanged lines byte for byte, changed and new ones as
 * `key = "value"` with `"`, `|` and control bytes escaped as |XX.  The
 * result is NUL-terminated, owned by the caller, and its length (without
 * the NUL) is stored in *len if len is not NULL.
 */
char		*cfg_write_buf(const struct cfg *, size_t *len);

/*
 * Write the text to path atomically (see atomicfile.h), keeping the mode
 * of the file it replaces (0644 for a new file).  0, or -1 with errno and
 * *cause; EFBIG if the text exceeds CFG_FILE_MAX, as it could not be loaded
 * again.
 */
int		 cfg_save(const struct cfg *, const char *path, char **cause);

#endif
