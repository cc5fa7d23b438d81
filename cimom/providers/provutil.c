/* SPDX-License-Identifier: ISC */
/*
 * Provider helpers (provutil.h).  Only the CMPI API and libc: this file
 * is compiled into each provider library, none of cimom's code is.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <dirent.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "provutil.h"

#define PROVUTIL_FILE_MAX	65536

const char *
provutil_hostname(void)
{
	static char		 name[256];
	struct addrinfo		 hints, *res = NULL;

	if (name[0] != '\0')
		return (name);
	if (gethostname(name, sizeof name) == -1)
		snprintf(name, sizeof name, "localhost");
	name[sizeof name - 1] = '\0';
	memset(&hints, 0, sizeof hints);
	hints.ai_flags = AI_CANONNAME;
	if (strchr(name, '.') == NULL &&
	    getaddrinfo(name, NULL, &hints, &res) == 0) {
		if (res->ai_canonname != NULL &&
		    strchr(res->ai_canonname, '.') != NULL)
			snprintf(name, sizeof name, "%s", res->ai_canonname);
		freeaddrinfo(res);
	}
	return (name);
}

char *
provutil_file(const char *path)
{
	FILE	*f;
	char	*buf;
	size_t	 n;

	if ((f = fopen(path, "re")) == NULL)
		return (NULL);
	if ((buf = malloc(PROVUTIL_FILE_MAX + 1)) == NULL) {
		fclose(f);
		return (NULL);
	}
	n = fread(buf, 1, PROVUTIL_FILE_MAX, f);
	fclose(f);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return (buf);
}

char *
provutil_syspath(const char *rel)
{
	const char	*root = getenv("CIMOM_SYSFS_ROOT");
	char		*p;

	if (asprintf(&p, "%s/%s", root != NULL ? root : "/sys", rel) == -1)
		return (NULL);
	return (p);
}

char *
provutil_sys(const char *rel)
{
	char	*p = provutil_syspath(rel), *s;

	s = p != NULL ? provutil_file(p) : NULL;
	free(p);
	return (s);
}

DIR *
provutil_sysdir(const char *rel)
{
	char	*p = provutil_syspath(rel);
	DIR	*d;

	d = p != NULL ? opendir(p) : NULL;
	free(p);
	return (d);
}

char *
provutil_proc(const char *rel)
{
	const char	*root = getenv("CIMOM_PROCFS_ROOT");
	char		*p, *s;

	if (asprintf(&p, "%s/%s", root != NULL ? root : "/proc", rel) == -1)
		return (NULL);
	s = provutil_file(p);
	free(p);
	return (s);
}

void
provutil_str(const CMPIInstance *i, const char *n, const char *v)
{
	if (v != NULL)
		CMSetProperty(i, n, v, CMPI_chars);
}

void
provutil_u16(const CMPIInstance *i, const char *n, unsigned int v)
{
	CMPIUint16	u = (CMPIUint16)v;

	CMSetProperty(i, n, &u, CMPI_uint16);
}

void
provutil_u32(const CMPIInstance *i, const char *n, unsigned long v)
{
	CMPIUint32	u = (CMPIUint32)v;

	CMSetProperty(i, n, &u, CMPI_uint32);
}

void
provutil_u64(const CMPIInstance *i, const char *n, unsigned long long v)
{
	CMPIUint64	u = v;

	CMSetProperty(i, n, &u, CMPI_uint64);
}

void
provutil_s32(const CMPIInstance *i, const char *n, long v)
{
	CMPISint32	s = (CMPISint32)v;

	CMSetProperty(i, n, &s, CMPI_sint32);
}

void
provutil_bool(const CMPIInstance *i, const char *n, int v)
{
	CMPIBoolean	b = v != 0;

	CMSetProperty(i, n, &b, CMPI_boolean);
}

void
provutil_u16a(const CMPIBroker *b, const CMPIInstance *i, const char *n,
    const unsigned short *v, unsigned int count)
{
	CMPIArray	*a = CMNewArray(b, count, CMPI_uint16, NULL);
	unsigned int	 k;

	for (k = 0; k < count; k++)
		CMSetArrayElementAt(a, k, &v[k], CMPI_uint16);
	CMSetProperty(i, n, &a, CMPI_uint16A);
}

void
provutil_stra(const CMPIBroker *b, const CMPIInstance *i, const char *n,
    const char *const *v, unsigned int count)
{
	CMPIArray	*a = CMNewArray(b, count, CMPI_string, NULL);
	unsigned int	 k;

	for (k = 0; k < count; k++)
		CMSetArrayElementAt(a, k, v[k], CMPI_chars);
	CMSetProperty(i, n, &a, CMPI_stringA);
}

void
provutil_healthy(const CMPIBroker *b, const CMPIInstance *i)
{
	static const unsigned short ok[] = { 2 };

	provutil_u16a(b, i, "OperationalStatus", ok, 1);
	provutil_u16(i, "HealthState", 5);
	provutil_u16(i, "EnabledState", 2);
}

const char *
provutil_ns(const CMPIObjectPath *op)
{
	CMPIString	*s = CMGetNameSpace(op, NULL);
	const char	*ns = s != NULL ? CMGetCharPtr(s) : NULL;

	return (ns != NULL && *ns != '\0' ? ns : "root/cimv2");
}

CMPIObjectPath *
provutil_cs_path(const CMPIBroker *b, const char *ns)
{
	CMPIObjectPath	*op = CMNewObjectPath(b, ns, PROVUTIL_CS_CLASS, NULL);

	CMAddKey(op, "CreationClassName", PROVUTIL_CS_CLASS, CMPI_chars);
	CMAddKey(op, "Name", provutil_hostname(), CMPI_chars);
	return (op);
}

CMPIObjectPath *
provutil_dev_path(const CMPIBroker *b, const char *ns, const char *cls,
    const char *id)
{
	CMPIObjectPath	*op = CMNewObjectPath(b, ns, cls, NULL);

	CMAddKey(op, "SystemCreationClassName", PROVUTIL_CS_CLASS,
	    CMPI_chars);
	CMAddKey(op, "SystemName", provutil_hostname(), CMPI_chars);
	CMAddKey(op, "CreationClassName", cls, CMPI_chars);
	CMAddKey(op, "DeviceID", id, CMPI_chars);
	return (op);
}

CMPIInstance *
provutil_instance(const CMPIBroker *b, const CMPIObjectPath *op)
{
	return (CMNewInstance(b, op, NULL));
}

const char *
provutil_key(const CMPIObjectPath *op, const char *name)
{
	CMPIData	d = CMGetKey(op, name, NULL);

	if ((d.state & (CMPI_nullValue | CMPI_notFound)) ||
	    d.type != CMPI_string || d.value.string == NULL)
		return (NULL);
	return (CMGetCharPtr(d.value.string));
}

/* Keys compare as text: strings by value, numbers by value. */
int
provutil_path_eq(const CMPIObjectPath *x, const CMPIObjectPath *y)
{
	CMPIString	*cx = CMGetClassName(x, NULL);
	CMPIString	*cy = CMGetClassName(y, NULL);
	CMPIString	*name;
	CMPIData	 dx, dy;
	CMPICount	 n, i;

	if (strcasecmp(CMGetCharPtr(cx), CMGetCharPtr(cy)) != 0)
		return (0);
	n = CMGetKeyCount(x, NULL);
	if (n != CMGetKeyCount(y, NULL))
		return (0);
	for (i = 0; i < n; i++) {
		dx = x->ft->getKeyAt(x, i, &name, NULL);
		dy = CMGetKey(y, CMGetCharPtr(name), NULL);
		if (dy.state & CMPI_notFound)
			return (0);
		if (dx.type == CMPI_string && dy.type == CMPI_string) {
			if (strcmp(CMGetCharPtr(dx.value.string),
			    CMGetCharPtr(dy.value.string)) != 0)
				return (0);
		} else if (dx.type == CMPI_ref && dy.type == CMPI_ref) {
			if (!provutil_path_eq(dx.value.ref, dy.value.ref))
				return (0);
		} else if (dx.value.uint64 != dy.value.uint64)
			return (0);
	}
	return (1);
}

void
provutil_return(const CMPIResult *r, const CMPIInstance *i, int names)
{
	CMPIObjectPath	*op;

	if (names) {
		op = CMGetObjectPath(i, NULL);
		CMReturnObjectPath(r, op);
	} else
		CMReturnInstance(r, i);
}

static CMPIInstance *
provutil_assoc_inst(const struct provutil_assoc *a, const CMPIBroker *b,
    const char *ns, const struct provutil_pair *p)
{
	CMPIObjectPath	*op = CMNewObjectPath(b, ns, a->pa_class, NULL);
	CMPIInstance	*i;

	CMAddKey(op, a->pa_role_a, &p->pp_a, CMPI_ref);
	CMAddKey(op, a->pa_role_b, &p->pp_b, CMPI_ref);
	i = CMNewInstance(b, op, NULL);
	return (i);
}

CMPIStatus
provutil_assoc_enum(const struct provutil_assoc *a, const CMPIBroker *b,
    const CMPIContext *ctx, const CMPIResult *r, const CMPIObjectPath *ref,
    int names)
{
	struct provutil_pair	*pairs;
	const char		*ns = provutil_ns(ref);
	size_t			 n, i;

	if ((pairs = calloc(PROVUTIL_MAX_PAIRS, sizeof *pairs)) == NULL)
		CMReturn(CMPI_RC_ERR_FAILED);
	n = a->pa_pairs(b, ctx, ns, pairs, PROVUTIL_MAX_PAIRS);
	for (i = 0; i < n; i++)
		provutil_return(r, provutil_assoc_inst(a, b, ns, &pairs[i]),
		    names);
	free(pairs);
	CMReturnDone(r);
	CMReturn(CMPI_RC_OK);
}

CMPIStatus
provutil_assoc_get(const struct provutil_assoc *a, const CMPIBroker *b,
    const CMPIContext *ctx, const CMPIResult *r, const CMPIObjectPath *ref)
{
	struct provutil_pair	*pairs;
	const char		*ns = provutil_ns(ref);
	CMPIInstance		*inst;
	size_t			 n, i;

	if ((pairs = calloc(PROVUTIL_MAX_PAIRS, sizeof *pairs)) == NULL)
		CMReturn(CMPI_RC_ERR_FAILED);
	n = a->pa_pairs(b, ctx, ns, pairs, PROVUTIL_MAX_PAIRS);
	for (i = 0; i < n; i++) {
		inst = provutil_assoc_inst(a, b, ns, &pairs[i]);
		if (provutil_path_eq(CMGetObjectPath(inst, NULL), ref)) {
			CMReturnInstance(r, inst);
			free(pairs);
			CMReturnDone(r);
			CMReturn(CMPI_RC_OK);
		}
	}
	free(pairs);
	CMReturnWithChars(b, CMPI_RC_ERR_NOT_FOUND, "no such association");
}

/* 1 if name is NULL/empty or equals want. */
static int
provutil_match(const char *name, const char *want)
{
	return (name == NULL || *name == '\0' || strcasecmp(name, want) == 0);
}

CMPIStatus
provutil_assoc_run(const struct provutil_assoc *a, const CMPIBroker *b,
    const CMPIContext *ctx, const CMPIResult *r, const CMPIObjectPath *op,
    int kind, const char *assoc, const char *result, const char *role,
    const char *rrole)
{
	struct provutil_pair	*pairs;
	const char		*ns = provutil_ns(op);
	const CMPIObjectPath	*self, *other;
	const char		*myrole, *otherrole, *otherclass;
	CMPIInstance		*inst;
	CMPIStatus		 st;
	size_t			 n, i;
	int			 side;

	/* Associators: AssocClass filters associations, ResultClass the
	 * far end; references: ResultClass filters associations. */
	if (kind < 2 && assoc != NULL && *assoc != '\0' &&
	    !CMClassPathIsA(b, CMNewObjectPath(b, ns, a->pa_class, NULL),
	    assoc, NULL))
		CMReturn(CMPI_RC_OK);
	if (kind >= 2 && result != NULL && *result != '\0' &&
	    !CMClassPathIsA(b, CMNewObjectPath(b, ns, a->pa_class, NULL),
	    result, NULL))
		CMReturn(CMPI_RC_OK);
	if ((pairs = calloc(PROVUTIL_MAX_PAIRS, sizeof *pairs)) == NULL)
		CMReturn(CMPI_RC_ERR_FAILED);
	n = a->pa_pairs(b, ctx, ns, pairs, PROVUTIL_MAX_PAIRS);
	for (i = 0; i < n; i++) {
		for (side = 0; side < 2; side++) {
			self = side == 0 ? pairs[i].pp_a : pairs[i].pp_b;
			other = side == 0 ? pairs[i].pp_b : pairs[i].pp_a;
			myrole = side == 0 ? a->pa_role_a : a->pa_role_b;
			otherrole = side == 0 ? a->pa_role_b : a->pa_role_a;
			otherclass = side == 0 ? a->pa_class_b : a->pa_class_a;
			if (!provutil_path_eq(self, op) ||
			    !provutil_match(role, myrole))
				continue;
			if (kind >= 2) {
				provutil_return(r, provutil_assoc_inst(a, b, ns,
				    &pairs[i]), kind == 3);
				continue;
			}
			if (!provutil_match(rrole, otherrole))
				continue;
			if (result != NULL && *result != '\0' &&
			    !CMClassPathIsA(b, other, result, NULL))
				continue;
			(void)otherclass;
			if (kind == 1) {
				CMReturnObjectPath(r, other);
				continue;
			}
			inst = CBGetInstance(b, ctx, other, NULL, &st);
			if (inst != NULL)
				CMReturnInstance(r, inst);
		}
	}
	free(pairs);
	CMReturnDone(r);
	CMReturn(CMPI_RC_OK);
}

CMPIStatus
provutil_unsupported(void)
{
	CMReturn(CMPI_RC_ERR_NOT_SUPPORTED);
}

/* The instances list makes for ref's namespace (*n of them), or NULL. */
static CMPIInstance **
provutil_inst_list(const CMPIBroker *b, const CMPIObjectPath *ref,
    provutil_list_fn list, size_t *n)
{
	CMPIInstance	**v;

	if ((v = calloc(PROVUTIL_MAX_INSTANCES, sizeof *v)) == NULL)
		return (NULL);
	*n = list(b, provutil_ns(ref), v, PROVUTIL_MAX_INSTANCES);
	return (v);
}

CMPIStatus
provutil_inst_enum(const CMPIBroker *b, const CMPIResult *r,
    const CMPIObjectPath *ref, int names, provutil_list_fn list)
{
	CMPIInstance	**v;
	size_t		  n, i;

	if ((v = provutil_inst_list(b, ref, list, &n)) == NULL)
		CMReturn(CMPI_RC_ERR_FAILED);
	for (i = 0; i < n; i++)
		provutil_return(r, v[i], names);
	free(v);
	CMReturnDone(r);
	CMReturn(CMPI_RC_OK);
}

CMPIStatus
provutil_inst_get(const CMPIBroker *b, const CMPIResult *r,
    const CMPIObjectPath *ref, provutil_list_fn list)
{
	CMPIInstance	**v;
	size_t		  n, i;

	if ((v = provutil_inst_list(b, ref, list, &n)) == NULL)
		CMReturn(CMPI_RC_ERR_FAILED);
	for (i = 0; i < n; i++)
		if (provutil_path_eq(CMGetObjectPath(v[i], NULL), ref)) {
			CMReturnInstance(r, v[i]);
			free(v);
			CMReturnDone(r);
			CMReturn(CMPI_RC_OK);
		}
	free(v);
	CMReturnWithChars(b, CMPI_RC_ERR_NOT_FOUND, "no such instance");
}
