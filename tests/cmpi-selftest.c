/* SPDX-License-Identifier: ISC */
/*
 * The CMPI self-test provider: a method provider for Vireo_SelfTest
 * built against cimom/cmpi only, whose RunSelfTest calls every entry of
 * the four broker function tables and of the encapsulated types' tables
 * and checks what comes back (values, status codes, the CMPI 2.0
 * contract that a string's hdl is its text and no object's hdl is NULL).
 * It returns the number of failed checks, the number run (Checks) and
 * the names of the failures (Failed).  Echo types its arguments from the
 * class declaration, which is what wbemcli needs (cim.md §0.1 item 5).
 */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cmpi/cmpidt.h"
#include "cmpi/cmpift.h"
#include "cmpi/cmpimacs.h"

struct selftest {
	const CMPIBroker	*st_b;
	const CMPIContext	*st_ctx;
	const char		*st_ns;
	unsigned int		 st_checks;
	unsigned int		 st_failed;
	char			 st_names[2048];
};

static const CMPIBroker *selftest_broker;

static void	selftest_check(struct selftest *, int, const char *);
static void	selftest_broker_ft(struct selftest *);
static void	selftest_enc_ft(struct selftest *);
static void	selftest_ext_ft(struct selftest *);
static void	selftest_mem_ft(struct selftest *);
static void	selftest_types(struct selftest *);
static void	*selftest_thread(void *);
static void	*selftest_sleeper(void *);
static void	*selftest_signaller(void *);
static void	selftest_once_fn(void);
static int	selftest_once_count;

static void
selftest_check(struct selftest *t, int ok, const char *name)
{
	size_t	len;

	t->st_checks++;
	if (ok)
		return;
	t->st_failed++;
	len = strlen(t->st_names);
	snprintf(t->st_names + len, sizeof t->st_names - len, "%s%s",
	    len > 0 ? " " : "", name);
}

#define CHECK(t, cond)	selftest_check((t), (cond) ? 1 : 0, #cond)

static void
selftest_broker_ft(struct selftest *t)
{
	const CMPIBroker	*b = t->st_b;
	const CMPIBrokerFT	*f = b->bft;
	CMPIStatus		 st;
	CMPIContext		*c2;
	CMPIObjectPath		*cls, *cs, *cpu = NULL;
	CMPIEnumeration		*e;
	CMPIInstance		*inst;
	CMPIArgs		*in, *out;
	CMPIData		 d;
	const char		*props[] = { "DeviceID", NULL };
	unsigned short		 n = 21;

	CHECK(t, f->brokerVersion >= 200);
	CHECK(t, f->brokerName != NULL && *f->brokerName != '\0');
	CHECK(t, (f->brokerCapabilities & CMPI_MB_AssociationTraversal) ==
	    CMPI_MB_AssociationTraversal);
	c2 = f->prepareAttachThread(b, t->st_ctx);
	CHECK(t, c2 != NULL && !CMIsNullObject(c2));
	st = f->attachThread(b, c2);
	CHECK(t, st.rc == CMPI_RC_OK);
	st = f->detachThread(b, c2);
	CHECK(t, st.rc == CMPI_RC_OK);
	st = f->deliverIndication(b, t->st_ctx, t->st_ns, NULL);
	CHECK(t, st.rc == CMPI_RC_ERR_NOT_SUPPORTED);

	cls = CMNewObjectPath(b, t->st_ns, "CIM_Processor", NULL);
	e = f->enumerateInstanceNames(b, t->st_ctx, cls, &st);
	CHECK(t, st.rc == CMPI_RC_OK && e != NULL && CMHasNext(e, NULL));
	if (e != NULL && CMHasNext(e, NULL)) {
		d = CMGetNext(e, NULL);
		CHECK(t, d.type == CMPI_ref);
		cpu = d.value.ref;
	}
	if (cpu != NULL) {
		inst = f->getInstance(b, t->st_ctx, cpu, NULL, &st);
		CHECK(t, st.rc == CMPI_RC_OK && inst != NULL);
		d = f->getProperty(b, t->st_ctx, cpu, "DeviceID", &st);
		CHECK(t, st.rc == CMPI_RC_OK && d.type == CMPI_string);
	}
	inst = CMNewInstance(b, cls, NULL);
	CHECK(t, f->createInstance(b, t->st_ctx, cls, inst, &st) == NULL &&
	    st.rc == CMPI_RC_ERR_NOT_SUPPORTED);
	st = f->modifyInstance(b, t->st_ctx, cls, inst, NULL);
	CHECK(t, st.rc == CMPI_RC_ERR_NOT_SUPPORTED);
	st = f->deleteInstance(b, t->st_ctx, cls);
	CHECK(t, st.rc == CMPI_RC_ERR_NOT_SUPPORTED);
	CHECK(t, f->execQuery(b, t->st_ctx, cls, "select * from CIM_Processor",
	    "WQL", &st) == NULL && st.rc != CMPI_RC_OK);
	e = f->enumerateInstances(b, t->st_ctx, cls, props, &st);
	CHECK(t, st.rc == CMPI_RC_OK && e != NULL && CMHasNext(e, NULL));
	e = f->enumerateInstancesFiltered(b, t->st_ctx, cls, props, NULL,
	    NULL, &st);
	CHECK(t, st.rc == CMPI_RC_OK && e != NULL && CMHasNext(e, NULL));

	cs = CMNewObjectPath(b, t->st_ns, "CIM_ComputerSystem", NULL);
	e = f->enumerateInstanceNames(b, t->st_ctx, cs, &st);
	CHECK(t, st.rc == CMPI_RC_OK && e != NULL && CMHasNext(e, NULL));
	if (e != NULL && CMHasNext(e, NULL)) {
		cs = CMGetNext(e, NULL).value.ref;
		e = f->associators(b, t->st_ctx, cs, "CIM_SystemDevice", NULL,
		    NULL, NULL, NULL, &st);
		CHECK(t, st.rc == CMPI_RC_OK && e != NULL && CMHasNext(e, NULL));
		e = f->associatorNames(b, t->st_ctx, cs, "CIM_SystemDevice",
		    "CIM_Processor", NULL, NULL, &st);
		CHECK(t, st.rc == CMPI_RC_OK && e != NULL && CMHasNext(e, NULL));
		e = f->references(b, t->st_ctx, cs, "CIM_RunningOS", NULL, NULL,
		    &st);
		CHECK(t, st.rc == CMPI_RC_OK && e != NULL && CMHasNext(e, NULL));
		e = f->referenceNames(b, t->st_ctx, cs, "CIM_RunningOS", NULL,
		    &st);
		CHECK(t, st.rc == CMPI_RC_OK && e != NULL && CMHasNext(e, NULL));
		e = f->associatorsFiltered(b, t->st_ctx, cs, "CIM_RunningOS",
		    NULL, NULL, NULL, NULL, NULL, NULL, &st);
		CHECK(t, st.rc == CMPI_RC_OK && e != NULL && CMHasNext(e, NULL));
		e = f->referencesFiltered(b, t->st_ctx, cs, "CIM_RunningOS",
		    NULL, NULL, NULL, NULL, &st);
		CHECK(t, st.rc == CMPI_RC_OK && e != NULL && CMHasNext(e, NULL));
	}
	in = CMNewArgs(b, NULL);
	out = CMNewArgs(b, NULL);
	CMAddArg(in, "Text", "hi", CMPI_chars);
	CMAddArg(in, "Number", &n, CMPI_uint16);
	d = f->invokeMethod(b, t->st_ctx, CMNewObjectPath(b, t->st_ns,
	    "Vireo_SelfTest", NULL), "Echo", in, out, &st);
	CHECK(t, st.rc == CMPI_RC_OK && d.type == CMPI_string &&
	    strcmp(CMGetCharPtr(d.value.string), "hi") == 0);
	d = CMGetArg(out, "Twice", NULL);
	CHECK(t, d.type == CMPI_uint16 && d.value.uint16 == 42);
	st = f->setProperty(b, t->st_ctx, cls, "DeviceID", (CMPIValue *)"x",
	    CMPI_chars);
	CHECK(t, st.rc == CMPI_RC_ERR_NOT_SUPPORTED);
}

static void
selftest_enc_ft(struct selftest *t)
{
	const CMPIBroker	*b = t->st_b;
	const CMPIBrokerEncFT	*f = b->eft;
	CMPIStatus		 st;
	CMPIObjectPath		*op;
	CMPIInstance		*inst;
	CMPIString		*s;
	CMPIArray		*a;
	CMPIDateTime		*dt;
	CMPIError		*err;
	CMPIMsgFileHandle	 mh = NULL;
	CMPIPropertyList	*pl;
	const char		*props[] = { "A", "b", NULL };

	op = f->newObjectPath(b, t->st_ns, "CIM_Processor", &st);
	CHECK(t, st.rc == CMPI_RC_OK && op != NULL && !CMIsNullObject(op));
	inst = f->newInstance(b, op, &st);
	CHECK(t, st.rc == CMPI_RC_OK && inst != NULL && !CMIsNullObject(inst));
	CHECK(t, f->newArgs(b, &st) != NULL && st.rc == CMPI_RC_OK);
	s = f->newString(b, "text", &st);
	/* The CMPI 2.0 contract: hdl is the characters. */
	CHECK(t, s != NULL && strcmp((const char *)s->hdl, "text") == 0);
	a = f->newArray(b, 3, CMPI_uint32, &st);
	CHECK(t, a != NULL && CMGetArrayCount(a, NULL) == 3);
	dt = f->newDateTime(b, &st);
	CHECK(t, dt != NULL && dt->ft->getBinaryFormat(dt, NULL) >
	    1600000000ULL * 1000000ULL);
	dt = f->newDateTimeFromBinary(b, 1000000ULL * 86400, 1, &st);
	CHECK(t, dt != NULL && dt->ft->isInterval(dt, NULL) &&
	    strcmp(CMGetCharPtr(dt->ft->getStringFormat(dt, NULL)),
	    "00000001000000.000000:000") == 0);
	dt = f->newDateTimeFromChars(b, "20240101120000.000000+060", &st);
	CHECK(t, dt != NULL && dt->ft->getBinaryFormat(dt, NULL) ==
	    (1704110400ULL - 3600) * 1000000ULL);
	CHECK(t, f->newDateTimeFromChars(b, "garbage", &st) == NULL &&
	    st.rc != CMPI_RC_OK);
	CHECK(t, f->newSelectExp(b, "select * from X", "WQL", NULL, &st) ==
	    NULL && st.rc != CMPI_RC_OK);
	CHECK(t, f->classPathIsA(b, op, "CIM_LogicalDevice", &st) &&
	    st.rc == CMPI_RC_OK);
	CHECK(t, !f->classPathIsA(b, op, "CIM_System", &st));
	s = f->toString(b, op, &st);
	CHECK(t, s != NULL && strstr(CMGetCharPtr(s), "CIM_Processor") != NULL);
	CHECK(t, f->isOfType(b, op, "CMPIObjectPath", &st));
	s = f->getType(b, inst, &st);
	CHECK(t, s != NULL && strcmp(CMGetCharPtr(s), "CMPIInstance") == 0);
	s = f->getMessage(b, "id", "a $0 b $1", &st, 2, CMPI_chars, "x",
	    CMPI_uint32, 7);
	CHECK(t, s != NULL && strcmp(CMGetCharPtr(s), "a x b 7") == 0);
	st = f->logMessage(b, CMPI_SEV_INFO, "selftest", "a log line", NULL);
	CHECK(t, st.rc == CMPI_RC_OK);
	st = f->trace(b, CMPI_LEV_VERBOSE, "selftest", "a trace line", NULL);
	CHECK(t, st.rc == CMPI_RC_OK);
	err = f->newCMPIError(b, "Vireo", "ID1", "message", ErrorSevLow,
	    ErrorProbCauseUnknown, CMPI_RC_ERR_NOT_FOUND, &st);
	CHECK(t, err != NULL && err->ft->getCIMStatusCode(err, NULL) ==
	    CMPI_RC_ERR_NOT_FOUND && strcmp(CMGetCharPtr(
	    err->ft->getMessage(err, NULL)), "message") == 0);
	if (err != NULL) {
		err->ft->setErrorType(err, SoftwareError);
		CHECK(t, err->ft->getErrorType(err, NULL) == SoftwareError);
	}
	st = f->openMessageFile(b, "none", &mh);
	CHECK(t, st.rc == CMPI_RC_OK);
	s = f->getMessage2(b, "id", mh, "n=$0", &st, 1, CMPI_sint32, -3);
	CHECK(t, s != NULL && strcmp(CMGetCharPtr(s), "n=-3") == 0);
	st = f->closeMessageFile(b, mh);
	CHECK(t, st.rc == CMPI_RC_OK);
	pl = f->newPropertyList(b, props, &st);
	CHECK(t, pl != NULL && pl->ft->isPropertyInList(pl, "B", NULL) &&
	    !pl->ft->isPropertyInList(pl, "C", NULL));
	s = f->newStringCP(b, "cp", CMPI_CPID_SYSTEM, &st);
	CHECK(t, s != NULL && strcmp(CMGetCharPtr(s), "cp") == 0);
	CHECK(t, f->newEnumerationFilter(b, "WQL", "x", &st) == NULL &&
	    st.rc != CMPI_RC_OK);
}

/*
 * ASan's thread teardown misreads the stack of a thread that ended in
 * pthread_exit or a cancellation (a sanitizer limitation, not a bug
 * here): sanitizer builds return instead and skip the cancellation.
 */
#if defined(__SANITIZE_ADDRESS__)
#define SELFTEST_UNWIND	0
#else
#define SELFTEST_UNWIND	1
#endif

static void *
selftest_thread(void *arg)
{
	const CMPIBroker	*b = arg;

	if (SELFTEST_UNWIND)
		b->xft->exitThread((CMPI_THREAD_RETURN)0x5);
	return ((CMPI_THREAD_RETURN)0x5);
}

static void *
selftest_sleeper(void *arg)
{
	const CMPIBroker	*b = arg;

	for (;;)
		b->xft->threadSleep(100);
	return (NULL);
}

/* condWait: a thread signals once it has set the flag under the lock. */
struct selftest_cond {
	const CMPIBrokerExtFT	*sc_x;
	CMPI_MUTEX_TYPE		 sc_m;
	CMPI_COND_TYPE		 sc_c;
	int			 sc_flag;
};

static void *
selftest_signaller(void *arg)
{
	struct selftest_cond	*sc = arg;

	sc->sc_x->lockMutex(sc->sc_m);
	sc->sc_flag = 1;
	sc->sc_x->signalCondition(sc->sc_c);
	sc->sc_x->unlockMutex(sc->sc_m);
	return (NULL);
}

static void
selftest_once_fn(void)
{
	selftest_once_count++;
}

static void
selftest_ext_ft(struct selftest *t)
{
	const CMPIBrokerExtFT	*x = t->st_b->xft;
	CMPI_THREAD_TYPE	 th;
	CMPI_THREAD_RETURN	 ret = NULL;
	CMPI_THREAD_KEY_TYPE	 key;
	CMPI_MUTEX_TYPE		 m;
	CMPI_COND_TYPE		 c;
	struct selftest_cond	 sc;
	struct timespec		 ts;
	char			*path;
	int			 once = 0, v = 1;

	path = x->resolveFileName("vireo_selftest");
	CHECK(t, path != NULL && strstr(path, "libvireo_selftest.so") != NULL);
	free(path);
	th = x->newThread(selftest_thread, (void *)t->st_b, 0);
	CHECK(t, th != NULL);
	CHECK(t, th != NULL && x->joinThread(th, &ret) == 0 &&
	    ret == (CMPI_THREAD_RETURN)0x5);
	if (SELFTEST_UNWIND) {
		th = x->newThread(selftest_sleeper, (void *)t->st_b, 0);
		CHECK(t, th != NULL && x->cancelThread(th) == 0 &&
		    x->joinThread(th, &ret) == 0);
	}
	CHECK(t, x->threadSleep(1) == 0);
	x->threadOnce(&once, selftest_once_fn);
	x->threadOnce(&once, selftest_once_fn);
	CHECK(t, selftest_once_count == 1);
	CHECK(t, x->createThreadKey(&key, NULL) == 0);
	CHECK(t, x->setThreadSpecific(key, &v) == 0 &&
	    x->getThreadSpecific(key) == &v);
	CHECK(t, x->destroyThreadKey(key) == 0);
	m = x->newMutex(0);
	CHECK(t, m != NULL);
	x->lockMutex(m);
	/* Recursive: an up-call on the same thread may lock again. */
	CHECK(t, x->lockMutex2(m) == 0);
	CHECK(t, x->unlockMutex2(m) == 0);
	x->unlockMutex(m);
	c = x->newCondition(0);
	CHECK(t, c != NULL);
	CHECK(t, x->signalCondition(c) == 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 1000000;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	x->lockMutex(m);
	CHECK(t, x->timedCondWait(c, m, &ts) != 0);
	x->unlockMutex(m);
	sc.sc_x = x;
	sc.sc_m = m;
	sc.sc_c = c;
	sc.sc_flag = 0;
	x->lockMutex(m);
	th = x->newThread(selftest_signaller, &sc, 0);
	while (!sc.sc_flag && th != NULL)
		if (x->condWait(c, m) != 0)
			break;
	x->unlockMutex(m);
	CHECK(t, th != NULL && sc.sc_flag == 1);
	if (th != NULL)
		x->joinThread(th, NULL);
	x->destroyCondition(c);
	c = x->newCondition(0);
	CHECK(t, x->destroyCondition2(c) == 0);
	x->destroyMutex(m);
	m = x->newMutex(0);
	CHECK(t, x->destroyMutex2(m) == 0);
}

static void
selftest_mem_ft(struct selftest *t)
{
	const CMPIBroker	*b = t->st_b;
	const CMPIBrokerMemFT	*m = b->mft;
	CMPIGcStat		*gc;
	CMPIStatus		 st;
	char			*p, *s;
	CMPIObjectPath		*op;

	CHECK(t, m != NULL);
	if (m == NULL)
		return;
	gc = m->mark(b, &st);
	CHECK(t, st.rc == CMPI_RC_OK);
	p = m->cmpiMalloc(b, 16);
	CHECK(t, p != NULL);
	p = m->cmpiRealloc(b, p, 64);
	CHECK(t, p != NULL);
	m->cmpiFree(b, p);
	p = m->cmpiCalloc(b, 4, 4);
	CHECK(t, p != NULL && p[15] == 0);
	m->cmpiFree(b, p);
	s = m->cmpiStrDup(b, "dup");
	CHECK(t, s != NULL && strcmp(s, "dup") == 0);
	m->freeChars(b, s);
	op = CMNewObjectPath(b, t->st_ns, "CIM_Processor", NULL);
	/* Owned objects are freed through the table; arena ones too. */
	m->freeObjectPath(b, CMClone(op, NULL));
	m->freeInstance(b, CMClone(CMNewInstance(b, op, NULL), NULL));
	m->freeArgs(b, CMClone(CMNewArgs(b, NULL), NULL));
	m->freeString(b, CMClone(CMNewString(b, "s", NULL), NULL));
	m->freeArray(b, CMClone(CMNewArray(b, 1, CMPI_uint8, NULL), NULL));
	m->freeDateTime(b, CMClone(CMNewDateTime(b, NULL), NULL));
	m->freeSelectExp(b, NULL);
	st = m->release(b, gc);
	CHECK(t, st.rc == CMPI_RC_OK);
}

/* The encapsulated types' own tables. */
static void
selftest_types(struct selftest *t)
{
	const CMPIBroker	*b = t->st_b;
	CMPIObjectPath		*op, *op2;
	CMPIInstance		*i, *i2;
	CMPIArgs		*a;
	CMPIArray		*arr;
	CMPIString		*name, *s;
	CMPIData		 d;
	CMPIStatus		 st;
	CMPIContext		*c;
	CMPIEnumeration		*e;
	CMPIUint16		 u16 = 7;
	CMPIUint32		 u32 = 9;
	const char		*filter[] = { "Name", NULL };

	op = CMNewObjectPath(b, t->st_ns, "CIM_Processor", NULL);
	CMAddKey(op, "DeviceID", "7", CMPI_chars);
	CMAddKey(op, "deviceid", "8", CMPI_chars);
	CHECK(t, CMGetKeyCount(op, NULL) == 1);
	d = CMGetKey(op, "DEVICEID", NULL);
	/* chars are stored and reported as strings, as keys. */
	CHECK(t, d.type == CMPI_string && (d.state & CMPI_keyValue) &&
	    strcmp(CMGetCharPtr(d.value.string), "8") == 0);
	d = op->ft->getKeyAt(op, 0, &name, NULL);
	CHECK(t, name != NULL && strcasecmp(CMGetCharPtr(name), "deviceid")
	    == 0);
	st = op->ft->setHostname(op, "h");
	CHECK(t, st.rc == CMPI_RC_OK &&
	    strcmp(CMGetCharPtr(op->ft->getHostname(op, NULL)), "h") == 0);
	op->ft->setClassName(op, "CIM_Memory");
	CHECK(t, strcmp(CMGetCharPtr(CMGetClassName(op, NULL)),
	    "CIM_Memory") == 0);
	op2 = CMNewObjectPath(b, "x/y", "C", NULL);
	op2->ft->setNameSpaceFromObjectPath(op2, op);
	CHECK(t, strcmp(CMGetCharPtr(CMGetNameSpace(op2, NULL)),
	    t->st_ns) == 0);
	op2->ft->setHostAndNameSpaceFromObjectPath(op2, op);
	CHECK(t, strcmp(CMGetCharPtr(op2->ft->getHostname(op2, NULL)), "h")
	    == 0);
	d = op->ft->getClassQualifier(op, "Description", NULL);
	CHECK(t, d.type == CMPI_string);
	d = op->ft->getPropertyQualifier(op, "DeviceID", "Key", NULL);
	CHECK(t, d.type == CMPI_boolean && d.value.boolean);
	op2 = CMNewObjectPath(b, t->st_ns, "CIM_EnabledLogicalElement", NULL);
	d = op2->ft->getMethodQualifier(op2, "RequestStateChange", "ValueMap",
	    NULL);
	CHECK(t, d.type == CMPI_stringA);
	d = op2->ft->getParameterQualifier(op2, "RequestStateChange", "Job",
	    "Out", NULL);
	CHECK(t, d.type == CMPI_boolean && d.value.boolean);
	s = op->ft->toString(op, NULL);
	CHECK(t, strcasestr(CMGetCharPtr(s), "deviceid=\"8\"") != NULL);

	op = CMNewObjectPath(b, t->st_ns, "CIM_Processor", NULL);
	i = CMNewInstance(b, op, NULL);
	CMSetProperty(i, "DeviceID", "3", CMPI_chars);
	CMSetProperty(i, "Family", &u16, CMPI_uint16);
	i->ft->setPropertyWithOrigin(i, "MaxClockSpeed", (CMPIValue *)&u32,
	    CMPI_uint32,
	    "CIM_Processor");
	CHECK(t, CMGetPropertyCount(i, NULL) == 3);
	d = CMGetProperty(i, "family", NULL);
	CHECK(t, d.type == CMPI_uint16 && d.value.uint16 == 7);
	d = CMGetProperty(i, "Missing", &st);
	CHECK(t, (d.state & CMPI_notFound) && st.rc != CMPI_RC_OK);
	d = i->ft->getPropertyAt(i, 1, &name, NULL);
	CHECK(t, strcmp(CMGetCharPtr(name), "Family") == 0);
	op2 = CMGetObjectPath(i, NULL);
	d = CMGetKey(op2, "DeviceID", NULL);
	CHECK(t, d.type == CMPI_string &&
	    strcmp(CMGetCharPtr(d.value.string), "3") == 0);
	CHECK(t, CMSetPropertyFilter(i, filter, NULL).rc == CMPI_RC_OK);
	op2 = CMNewObjectPath(b, t->st_ns, "CIM_Processor", NULL);
	CMAddKey(op2, "DeviceID", "4", CMPI_chars);
	CHECK(t, i->ft->setObjectPath(i, op2).rc == CMPI_RC_OK);
	d = CMGetProperty(i, "DeviceID", NULL);
	CHECK(t, strcmp(CMGetCharPtr(d.value.string), "4") == 0);
	i2 = CMClone(i, NULL);
	CHECK(t, i2 != NULL && CMGetPropertyCount(i2, NULL) == 3);
	CMRelease(i2);

	arr = CMNewArray(b, 2, CMPI_string, NULL);
	CMSetArrayElementAt(arr, 0, "a", CMPI_chars);
	CHECK(t, arr->ft->getSimpleType(arr, NULL) == CMPI_string);
	d = CMGetArrayElementAt(arr, 0, NULL);
	CHECK(t, d.type == CMPI_string &&
	    strcmp(CMGetCharPtr(d.value.string), "a") == 0);
	d = CMGetArrayElementAt(arr, 1, NULL);
	CHECK(t, d.state & CMPI_nullValue);
	CHECK(t, CMSetArrayElementAt(arr, 5, "x", CMPI_chars).rc !=
	    CMPI_RC_OK);

	a = CMNewArgs(b, NULL);
	CMAddArg(a, "X", &u32, CMPI_uint32);
	d = a->ft->getArgAt(a, 0, &name, NULL);
	CHECK(t, CMGetArgCount(a, NULL) == 1 && d.value.uint32 == 9 &&
	    strcmp(CMGetCharPtr(name), "X") == 0);

	c = t->st_ctx->ft->clone(t->st_ctx, NULL);
	d = CMGetContextEntry(c, CMPIInitNameSpace, NULL);
	CHECK(t, d.type == CMPI_string &&
	    strcmp(CMGetCharPtr(d.value.string), t->st_ns) == 0);
	c->ft->addEntry(c, "Extra", (CMPIValue *)&u32, CMPI_uint32);
	CHECK(t, c->ft->getEntryCount(c, NULL) ==
	    t->st_ctx->ft->getEntryCount(t->st_ctx, NULL) + 1);
	d = c->ft->getEntryAt(c, 0, &name, NULL);
	CHECK(t, name != NULL);
	CMRelease(c);

	e = CBEnumInstanceNames(b, t->st_ctx, CMNewObjectPath(b, t->st_ns,
	    "CIM_Processor", NULL), NULL);
	if (e != NULL) {
		arr = e->ft->toArray(e, NULL);
		CHECK(t, arr != NULL && CMGetArrayCount(arr, NULL) >= 1);
		CHECK(t, CMClone(e, NULL) != NULL);
	}
	s = CMNewString(b, "x", NULL);
	CHECK(t, s->ft->newCharsCP != NULL &&
	    strcmp(s->ft->newCharsCP(s, CMPI_CPID_USASCII, NULL), "x") == 0);
}

static CMPIStatus
selftest_cleanup(CMPIMethodMI *mi, const CMPIContext *ctx, CMPIBoolean term)
{
	CMReturn(CMPI_RC_OK);
}

static CMPIStatus
selftest_invoke(CMPIMethodMI *mi, const CMPIContext *ctx,
    const CMPIResult *rslt, const CMPIObjectPath *op, const char *method,
    const CMPIArgs *in, CMPIArgs *out)
{
	struct selftest	 t;
	CMPIData	 d;
	CMPIUint16	 twice;
	CMPIString	*ns;

	if (strcasecmp(method, "Echo") == 0) {
		d = CMGetArg(in, "Number", NULL);
		twice = (CMPIUint16)(d.type == CMPI_uint16 ?
		    d.value.uint16 * 2 : 0);
		CMAddArg(out, "Twice", &twice, CMPI_uint16);
		d = CMGetArg(in, "Text", NULL);
		if (d.type != CMPI_string || (d.state & CMPI_nullValue))
			CMReturnWithChars(selftest_broker,
			    CMPI_RC_ERR_INVALID_PARAMETER, "Text is required");
		CMReturnData(rslt, &d.value.string, CMPI_string);
		CMReturnDone(rslt);
		CMReturn(CMPI_RC_OK);
	}
	if (strcasecmp(method, "RunSelfTest") != 0)
		CMReturn(CMPI_RC_ERR_METHOD_NOT_FOUND);
	memset(&t, 0, sizeof t);
	t.st_b = selftest_broker;
	t.st_ctx = ctx;
	ns = CMGetNameSpace(op, NULL);
	t.st_ns = CMGetCharPtr(ns);
	selftest_broker_ft(&t);
	selftest_enc_ft(&t);
	selftest_ext_ft(&t);
	selftest_mem_ft(&t);
	selftest_types(&t);
	CMAddArg(out, "Checks", &t.st_checks, CMPI_uint32);
	CMAddArg(out, "Failed", t.st_names[0] != '\0' ? t.st_names : "none",
	    CMPI_chars);
	CMReturnData(rslt, &t.st_failed, CMPI_uint32);
	CMReturnDone(rslt);
	CMReturn(CMPI_RC_OK);
}

static const CMPIMethodMIFT selftest_ft = {
	CMPIVersion210, CMPIVersion210, "VireoSelfTest",
	selftest_cleanup, selftest_invoke
};
static CMPIMethodMI selftest_mi = { (void *)&selftest_ft, &selftest_ft };

/* The generic factory: the broker must prefer it (cim.md §3.8). */
CMPI_EXTERN_C CMPIMethodMI *_Generic_Create_MethodMI(const CMPIBroker *,
    const CMPIContext *, const char *, CMPIStatus *);

CMPIMethodMI *
_Generic_Create_MethodMI(const CMPIBroker *b, const CMPIContext *ctx,
    const char *name, CMPIStatus *rc)
{
	CMPIData	d = CMGetContextEntry(ctx, CMPIInitNameSpace, NULL);

	/* The factory's context must name the namespace. */
	if (d.type != CMPI_string || strcmp(name, "VireoSelfTest") != 0) {
		CMSetStatus(rc, CMPI_RC_ERR_FAILED);
		return (NULL);
	}
	selftest_broker = b;
	CMSetStatus(rc, CMPI_RC_OK);
	return (&selftest_mi);
}
