/* SPDX-License-Identifier: ISC */
/*
 * Vireo's CMPI convenience macros for providers: status returns, the
 * common factory and up-call shorthands, and the MI factory helpers.
 * Every macro goes through a function table, so it works with any
 * conforming broker; CMGetCharPtr reads through getCharPtr (our broker
 * also keeps the text at hdl for providers built the 2.0 way).
 */
#ifndef VIREO_CMPIMACS_H
#define VIREO_CMPIMACS_H

#include "cmpidt.h"
#include "cmpift.h"

/* Status. */
#define CMReturn(code)							\
	do {								\
		CMPIStatus cm_st_ = { (code), NULL };			\
		return (cm_st_);					\
	} while (0)
#define CMReturnWithString(code, str)					\
	do {								\
		CMPIStatus cm_st_ = { (code), (str) };			\
		return (cm_st_);					\
	} while (0)
#define CMReturnWithChars(b, code, chars)				\
	do {								\
		CMPIStatus cm_st_ = { (code), NULL };			\
		if ((b) != NULL)					\
			cm_st_.msg = (b)->eft->newString((b), (chars), NULL); \
		return (cm_st_);					\
	} while (0)
#define CMSetStatus(st, code)						\
	do {								\
		if ((st) != NULL) {					\
			(st)->rc = (code);				\
			(st)->msg = NULL;				\
		}							\
	} while (0)
#define CMSetStatusWithChars(b, st, code, chars)			\
	do {								\
		if ((st) != NULL) {					\
			(st)->rc = (code);				\
			(st)->msg = (b)->eft->newString((b), (chars), NULL); \
		}							\
	} while (0)

#define CMIsNullObject(o)	((o) == NULL || ((void **)(o))[0] == NULL)
#define CMIsNullValue(d)	(((d).state & CMPI_nullValue) != 0)
#define CMIsKeyValue(d)		(((d).state & CMPI_keyValue) != 0)
#define CMIsArray(d)		(((d).type & CMPI_ARRAY) != 0)

/* Encapsulated objects. */
#define CMGetCharPtr(s)		((s)->ft->getCharPtr((s), NULL))
#define CMGetCharsPtr(s, rc)	((s)->ft->getCharPtr((s), (rc)))
#define CMRelease(o)		((o)->ft->release((o)))
#define CMClone(o, rc)		((o)->ft->clone((o), (rc)))

#define CMNewInstance(b, op, rc)	((b)->eft->newInstance((b), (op), (rc)))
#define CMNewObjectPath(b, ns, cn, rc)					\
	((b)->eft->newObjectPath((b), (ns), (cn), (rc)))
#define CMNewString(b, s, rc)	((b)->eft->newString((b), (s), (rc)))
#define CMNewArgs(b, rc)	((b)->eft->newArgs((b), (rc)))
#define CMNewArray(b, n, t, rc)	((b)->eft->newArray((b), (n), (t), (rc)))
#define CMNewDateTime(b, rc)	((b)->eft->newDateTime((b), (rc)))
#define CMNewDateTimeFromBinary(b, us, iv, rc)				\
	((b)->eft->newDateTimeFromBinary((b), (us), (iv), (rc)))
#define CMNewDateTimeFromChars(b, s, rc)				\
	((b)->eft->newDateTimeFromChars((b), (s), (rc)))
#define CMClassPathIsA(b, op, cn, rc)					\
	((b)->eft->classPathIsA((b), (op), (cn), (rc)))
#define CDToString(b, o, rc)	((b)->eft->toString((b), (void *)(o), (rc)))

#define CMSetProperty(i, n, v, t)	((i)->ft->setProperty((i), (n),	\
	(const CMPIValue *)(v), (t)))
#define CMGetProperty(i, n, rc)	((i)->ft->getProperty((i), (n), (rc)))
#define CMGetPropertyCount(i, rc) ((i)->ft->getPropertyCount((i), (rc)))
#define CMGetObjectPath(i, rc)	((i)->ft->getObjectPath((i), (rc)))
#define CMSetPropertyFilter(i, p, k) ((i)->ft->setPropertyFilter((i), (p), (k)))

#define CMAddKey(op, n, v, t)	((op)->ft->addKey((op), (n),		\
	(const CMPIValue *)(v), (t)))
#define CMGetKey(op, n, rc)	((op)->ft->getKey((op), (n), (rc)))
#define CMGetKeyCount(op, rc)	((op)->ft->getKeyCount((op), (rc)))
#define CMGetClassName(op, rc)	((op)->ft->getClassName((op), (rc)))
#define CMGetNameSpace(op, rc)	((op)->ft->getNameSpace((op), (rc)))

#define CMAddArg(a, n, v, t)	((a)->ft->addArg((a), (n),		\
	(const CMPIValue *)(v), (t)))
#define CMGetArg(a, n, rc)	((a)->ft->getArg((a), (n), (rc)))
#define CMGetArgCount(a, rc)	((a)->ft->getArgCount((a), (rc)))

#define CMGetArrayCount(a, rc)	((a)->ft->getSize((a), (rc)))
#define CMGetArrayElementAt(a, n, rc) ((a)->ft->getElementAt((a), (n), (rc)))
#define CMSetArrayElementAt(a, n, v, t) ((a)->ft->setElementAt((a), (n), \
	(const CMPIValue *)(v), (t)))

#define CMGetNext(e, rc)	((e)->ft->getNext((e), (rc)))
#define CMHasNext(e, rc)	((e)->ft->hasNext((e), (rc)))

#define CMGetContextEntry(c, n, rc) ((c)->ft->getEntry((c), (n), (rc)))

#define CMReturnData(r, v, t)	((r)->ft->returnData((r),		\
	(const CMPIValue *)(v), (t)))
#define CMReturnInstance(r, i)	((r)->ft->returnInstance((r), (i)))
#define CMReturnObjectPath(r, op) ((r)->ft->returnObjectPath((r), (op)))
#define CMReturnDone(r)		((r)->ft->returnDone((r)))

/* Up-calls. */
#define CBEnumInstanceNames(b, c, op, rc)				\
	((b)->bft->enumerateInstanceNames((b), (c), (op), (rc)))
#define CBEnumInstances(b, c, op, p, rc)				\
	((b)->bft->enumerateInstances((b), (c), (op), (p), (rc)))
#define CBGetInstance(b, c, op, p, rc)					\
	((b)->bft->getInstance((b), (c), (op), (p), (rc)))
#define CBInvokeMethod(b, c, op, m, in, out, rc)			\
	((b)->bft->invokeMethod((b), (c), (op), (m), (in), (out), (rc)))

/*
 * Factory helpers: a provider declares its MI table and object itself
 * and exports <name>_Create_<Type>MI with this signature.
 */
#define CMPI_MI_FACTORY(T, name)					\
	CMPI_EXTERN_C CMPI##T##MI *name##_Create_##T##MI(		\
	    const CMPIBroker *, const CMPIContext *, CMPIStatus *)

#endif
