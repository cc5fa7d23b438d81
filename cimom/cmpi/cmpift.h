/* SPDX-License-Identifier: ISC */
/*
 * Vireo's CMPI function tables: the broker's tables, every encapsulated
 * type's table and the provider (MI) tables, in the slot order of the
 * CMPI 2.1 ABI (cim.md §3.5-§3.7).  2.1 appended slots at the end of some
 * tables; a 2.0 provider never reads them, and the broker never calls a
 * 2.1-only MI slot unless the MI's ftVersion is at least 210.
 * tests/check_cmpi_abi.c asserts every offset.
 */
#ifndef VIREO_CMPIFT_H
#define VIREO_CMPIFT_H

#include <time.h>

#include "cmpidt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Shorthands used only to keep the prototypes below readable. */
#define CMPI_B_		const CMPIBroker *
#define CMPI_C_		const CMPIContext *
#define CMPI_OP_	const CMPIObjectPath *
#define CMPI_RC_	CMPIStatus *

typedef struct _CMPIBrokerFT {
	unsigned int	 brokerCapabilities;
	CMPIVersion	 brokerVersion;
	const char	*brokerName;
	CMPIContext	*(*prepareAttachThread)(CMPI_B_, CMPI_C_);
	CMPIStatus	 (*attachThread)(CMPI_B_, const CMPIContext *);
	CMPIStatus	 (*detachThread)(CMPI_B_, const CMPIContext *);
	CMPIStatus	 (*deliverIndication)(CMPI_B_, CMPI_C_, const char *,
			    const CMPIInstance *);
	CMPIEnumeration	*(*enumerateInstanceNames)(CMPI_B_, CMPI_C_, CMPI_OP_,
			    CMPI_RC_);
	CMPIInstance	*(*getInstance)(CMPI_B_, CMPI_C_, CMPI_OP_,
			    const char **, CMPI_RC_);
	CMPIObjectPath	*(*createInstance)(CMPI_B_, CMPI_C_, CMPI_OP_,
			    const CMPIInstance *, CMPI_RC_);
	CMPIStatus	 (*modifyInstance)(CMPI_B_, CMPI_C_, CMPI_OP_,
			    const CMPIInstance *, const char **);
	CMPIStatus	 (*deleteInstance)(CMPI_B_, CMPI_C_, CMPI_OP_);
	CMPIEnumeration	*(*execQuery)(CMPI_B_, CMPI_C_, CMPI_OP_, const char *,
			    const char *, CMPI_RC_);
	CMPIEnumeration	*(*enumerateInstances)(CMPI_B_, CMPI_C_, CMPI_OP_,
			    const char **, CMPI_RC_);
	CMPIEnumeration	*(*associators)(CMPI_B_, CMPI_C_, CMPI_OP_,
			    const char *, const char *, const char *,
			    const char *, const char **, CMPI_RC_);
	CMPIEnumeration	*(*associatorNames)(CMPI_B_, CMPI_C_, CMPI_OP_,
			    const char *, const char *, const char *,
			    const char *, CMPI_RC_);
	CMPIEnumeration	*(*references)(CMPI_B_, CMPI_C_, CMPI_OP_,
			    const char *, const char *, const char **,
			    CMPI_RC_);
	CMPIEnumeration	*(*referenceNames)(CMPI_B_, CMPI_C_, CMPI_OP_,
			    const char *, const char *, CMPI_RC_);
	CMPIData	 (*invokeMethod)(CMPI_B_, CMPI_C_, CMPI_OP_,
			    const char *, const CMPIArgs *, CMPIArgs *,
			    CMPI_RC_);
	CMPIStatus	 (*setProperty)(CMPI_B_, CMPI_C_, CMPI_OP_,
			    const char *, const CMPIValue *, CMPIType);
	CMPIData	 (*getProperty)(CMPI_B_, CMPI_C_, CMPI_OP_,
			    const char *, CMPI_RC_);
	CMPIEnumeration	*(*enumerateInstancesFiltered)(CMPI_B_, CMPI_C_,
			    CMPI_OP_, const char **, const char *,
			    const char *, CMPI_RC_);
	CMPIEnumeration	*(*associatorsFiltered)(CMPI_B_, CMPI_C_, CMPI_OP_,
			    const char *, const char *, const char *,
			    const char *, const char **, const char *,
			    const char *, CMPI_RC_);
	CMPIEnumeration	*(*referencesFiltered)(CMPI_B_, CMPI_C_, CMPI_OP_,
			    const char *, const char *, const char **,
			    const char *, const char *, CMPI_RC_);
} CMPIBrokerFT;

typedef struct _CMPIBrokerEncFT {
	int		 ftVersion;
	CMPIInstance	*(*newInstance)(CMPI_B_, CMPI_OP_, CMPI_RC_);
	CMPIObjectPath	*(*newObjectPath)(CMPI_B_, const char *, const char *,
			    CMPI_RC_);
	CMPIArgs	*(*newArgs)(CMPI_B_, CMPI_RC_);
	CMPIString	*(*newString)(CMPI_B_, const char *, CMPI_RC_);
	CMPIArray	*(*newArray)(CMPI_B_, CMPICount, CMPIType, CMPI_RC_);
	CMPIDateTime	*(*newDateTime)(CMPI_B_, CMPI_RC_);
	CMPIDateTime	*(*newDateTimeFromBinary)(CMPI_B_, CMPIUint64,
			    CMPIBoolean, CMPI_RC_);
	CMPIDateTime	*(*newDateTimeFromChars)(CMPI_B_, const char *,
			    CMPI_RC_);
	CMPISelectExp	*(*newSelectExp)(CMPI_B_, const char *, const char *,
			    CMPIArray **, CMPI_RC_);
	CMPIBoolean	 (*classPathIsA)(CMPI_B_, CMPI_OP_, const char *,
			    CMPI_RC_);
	CMPIString	*(*toString)(CMPI_B_, const void *, CMPI_RC_);
	CMPIBoolean	 (*isOfType)(CMPI_B_, const void *, const char *,
			    CMPI_RC_);
	CMPIString	*(*getType)(CMPI_B_, const void *, CMPI_RC_);
	CMPIString	*(*getMessage)(CMPI_B_, const char *, const char *,
			    CMPI_RC_, CMPICount, ...);
	CMPIStatus	 (*logMessage)(CMPI_B_, int, const char *,
			    const char *, const CMPIString *);
	CMPIStatus	 (*trace)(CMPI_B_, CMPILevel, const char *,
			    const char *, const CMPIString *);
	CMPIError	*(*newCMPIError)(CMPI_B_, const char *, const char *,
			    const char *, const CMPIErrorSeverity,
			    const CMPIErrorProbableCause, const CMPIrc,
			    CMPI_RC_);
	CMPIStatus	 (*openMessageFile)(CMPI_B_, const char *,
			    CMPIMsgFileHandle *);
	CMPIStatus	 (*closeMessageFile)(CMPI_B_, const CMPIMsgFileHandle);
	CMPIString	*(*getMessage2)(CMPI_B_, const char *,
			    const CMPIMsgFileHandle, const char *, CMPI_RC_,
			    CMPICount, ...);
	CMPIPropertyList *(*newPropertyList)(CMPI_B_, const char **,
			    CMPI_RC_);
	CMPIString	*(*newStringCP)(CMPI_B_, const char *, CMPICodepageID,
			    CMPI_RC_);
	CMPIEnumerationFilter *(*newEnumerationFilter)(CMPI_B_, const char *,
			    const char *, CMPI_RC_);
} CMPIBrokerEncFT;

typedef struct _CMPIBrokerExtFT {
	int		 ftVersion;
	char		*(*resolveFileName)(const char *);
	CMPI_THREAD_TYPE (*newThread)(CMPIThreadFunc, void *, int);
	int		 (*joinThread)(CMPI_THREAD_TYPE, CMPI_THREAD_RETURN *);
	int		 (*exitThread)(CMPI_THREAD_RETURN);
	int		 (*cancelThread)(CMPI_THREAD_TYPE);
	int		 (*threadSleep)(CMPIUint32);
	int		 (*threadOnce)(int *, CMPIThreadOnceFunc);
	int		 (*createThreadKey)(CMPI_THREAD_KEY_TYPE *,
			    CMPIThreadKeyCleanupFunc);
	int		 (*destroyThreadKey)(CMPI_THREAD_KEY_TYPE);
	void		*(*getThreadSpecific)(CMPI_THREAD_KEY_TYPE);
	int		 (*setThreadSpecific)(CMPI_THREAD_KEY_TYPE, void *);
	CMPI_MUTEX_TYPE	 (*newMutex)(int);
	void		 (*destroyMutex)(CMPI_MUTEX_TYPE);
	void		 (*lockMutex)(CMPI_MUTEX_TYPE);
	void		 (*unlockMutex)(CMPI_MUTEX_TYPE);
	CMPI_COND_TYPE	 (*newCondition)(int);
	void		 (*destroyCondition)(CMPI_COND_TYPE);
	int		 (*condWait)(CMPI_COND_TYPE, CMPI_MUTEX_TYPE);
	int		 (*timedCondWait)(CMPI_COND_TYPE, CMPI_MUTEX_TYPE,
			    struct timespec *);
	int		 (*signalCondition)(CMPI_COND_TYPE);
	int		 (*destroyMutex2)(CMPI_MUTEX_TYPE);
	int		 (*lockMutex2)(CMPI_MUTEX_TYPE);
	int		 (*unlockMutex2)(CMPI_MUTEX_TYPE);
	int		 (*destroyCondition2)(CMPI_COND_TYPE);
} CMPIBrokerExtFT;

typedef struct _CMPIBrokerMemFT {
	const int	 ftVersion;
	CMPIGcStat	*(*mark)(CMPI_B_, CMPI_RC_);
	CMPIStatus	 (*release)(CMPI_B_, const CMPIGcStat *);
	void		*(*cmpiMalloc)(CMPI_B_, size_t);
	void		*(*cmpiCalloc)(CMPI_B_, size_t, size_t);
	void		*(*cmpiRealloc)(CMPI_B_, void *, size_t);
	char		*(*cmpiStrDup)(CMPI_B_, const char *);
	void		 (*cmpiFree)(CMPI_B_, void *);
	void		 (*freeInstance)(CMPI_B_, CMPIInstance *);
	void		 (*freeObjectPath)(CMPI_B_, CMPIObjectPath *);
	void		 (*freeArgs)(CMPI_B_, CMPIArgs *);
	void		 (*freeString)(CMPI_B_, CMPIString *);
	void		 (*freeArray)(CMPI_B_, CMPIArray *);
	void		 (*freeDateTime)(CMPI_B_, CMPIDateTime *);
	void		 (*freeSelectExp)(CMPI_B_, CMPISelectExp *);
	void		 (*freeChars)(CMPI_B_, char *);
} CMPIBrokerMemFT;

struct _CMPIBroker {
	void			*hdl;
	const CMPIBrokerFT	*bft;
	const CMPIBrokerEncFT	*eft;
	const CMPIBrokerExtFT	*xft;
	const CMPIBrokerMemFT	*mft;
};

/* Every encapsulated type: a handle and its table. */
#define CMPI_ENCAPSULATE(T)						\
	struct _##T##FT;						\
	struct _##T {							\
		void			*hdl;				\
		const struct _##T##FT	*ft;				\
	}

CMPI_ENCAPSULATE(CMPIContext);
CMPI_ENCAPSULATE(CMPIResult);
CMPI_ENCAPSULATE(CMPIString);
CMPI_ENCAPSULATE(CMPIArray);
CMPI_ENCAPSULATE(CMPIEnumeration);
CMPI_ENCAPSULATE(CMPIInstance);
CMPI_ENCAPSULATE(CMPIObjectPath);
CMPI_ENCAPSULATE(CMPIArgs);
CMPI_ENCAPSULATE(CMPIDateTime);
CMPI_ENCAPSULATE(CMPISelectExp);
CMPI_ENCAPSULATE(CMPISelectCond);
CMPI_ENCAPSULATE(CMPISubCond);
CMPI_ENCAPSULATE(CMPIPredicate);
CMPI_ENCAPSULATE(CMPIError);
CMPI_ENCAPSULATE(CMPIPropertyList);
CMPI_ENCAPSULATE(CMPIEnumerationFilter);

typedef struct _CMPIContextFT {
	int		 ftVersion;
	CMPIStatus	 (*release)(CMPIContext *);
	CMPIContext	*(*clone)(const CMPIContext *, CMPI_RC_);
	CMPIData	 (*getEntry)(const CMPIContext *, const char *, CMPI_RC_);
	CMPIData	 (*getEntryAt)(const CMPIContext *, CMPICount,
			    CMPIString **, CMPI_RC_);
	CMPICount	 (*getEntryCount)(const CMPIContext *, CMPI_RC_);
	CMPIStatus	 (*addEntry)(const CMPIContext *, const char *,
			    const CMPIValue *, const CMPIType);
} CMPIContextFT;

typedef struct _CMPIResultFT {
	int		 ftVersion;
	CMPIStatus	 (*release)(CMPIResult *);
	CMPIResult	*(*clone)(const CMPIResult *, CMPI_RC_);
	CMPIStatus	 (*returnData)(const CMPIResult *, const CMPIValue *,
			    const CMPIType);
	CMPIStatus	 (*returnInstance)(const CMPIResult *,
			    const CMPIInstance *);
	CMPIStatus	 (*returnObjectPath)(const CMPIResult *, CMPI_OP_);
	CMPIStatus	 (*returnDone)(const CMPIResult *);
	CMPIStatus	 (*returnError)(const CMPIResult *, const CMPIError *);
} CMPIResultFT;

typedef struct _CMPIStringFT {
	int		 ftVersion;
	CMPIStatus	 (*release)(CMPIString *);
	CMPIString	*(*clone)(const CMPIString *, CMPI_RC_);
	const char	*(*getCharPtr)(const CMPIString *, CMPI_RC_);
	char		*(*newCharsCP)(const CMPIString *, const CMPICodepageID,
			    CMPI_RC_);
} CMPIStringFT;

typedef struct _CMPIArrayFT {
	int		 ftVersion;
	CMPIStatus	 (*release)(CMPIArray *);
	CMPIArray	*(*clone)(const CMPIArray *, CMPI_RC_);
	CMPICount	 (*getSize)(const CMPIArray *, CMPI_RC_);
	CMPIType	 (*getSimpleType)(const CMPIArray *, CMPI_RC_);
	CMPIData	 (*getElementAt)(const CMPIArray *, CMPICount, CMPI_RC_);
	CMPIStatus	 (*setElementAt)(const CMPIArray *, CMPICount,
			    const CMPIValue *, CMPIType);
} CMPIArrayFT;

typedef struct _CMPIEnumerationFT {
	int		 ftVersion;
	CMPIStatus	 (*release)(CMPIEnumeration *);
	CMPIEnumeration	*(*clone)(const CMPIEnumeration *, CMPI_RC_);
	CMPIData	 (*getNext)(const CMPIEnumeration *, CMPI_RC_);
	CMPIBoolean	 (*hasNext)(const CMPIEnumeration *, CMPI_RC_);
	CMPIArray	*(*toArray)(const CMPIEnumeration *, CMPI_RC_);
} CMPIEnumerationFT;

typedef struct _CMPIInstanceFT {
	int		 ftVersion;
	CMPIStatus	 (*release)(CMPIInstance *);
	CMPIInstance	*(*clone)(const CMPIInstance *, CMPI_RC_);
	CMPIData	 (*getProperty)(const CMPIInstance *, const char *,
			    CMPI_RC_);
	CMPIData	 (*getPropertyAt)(const CMPIInstance *, CMPICount,
			    CMPIString **, CMPI_RC_);
	CMPICount	 (*getPropertyCount)(const CMPIInstance *, CMPI_RC_);
	CMPIStatus	 (*setProperty)(const CMPIInstance *, const char *,
			    const CMPIValue *, CMPIType);
	CMPIObjectPath	*(*getObjectPath)(const CMPIInstance *, CMPI_RC_);
	CMPIStatus	 (*setPropertyFilter)(const CMPIInstance *,
			    const char **, const char **);
	CMPIStatus	 (*setObjectPath)(const CMPIInstance *, CMPI_OP_);
	CMPIStatus	 (*setPropertyWithOrigin)(const CMPIInstance *,
			    const char *, const CMPIValue *, CMPIType,
			    const char *);
} CMPIInstanceFT;

typedef struct _CMPIObjectPathFT {
	int		 ftVersion;
	CMPIStatus	 (*release)(CMPIObjectPath *);
	CMPIObjectPath	*(*clone)(CMPI_OP_, CMPI_RC_);
	CMPIStatus	 (*setNameSpace)(const CMPIObjectPath *, const char *);
	CMPIString	*(*getNameSpace)(CMPI_OP_, CMPI_RC_);
	CMPIStatus	 (*setHostname)(const CMPIObjectPath *, const char *);
	CMPIString	*(*getHostname)(CMPI_OP_, CMPI_RC_);
	CMPIStatus	 (*setClassName)(const CMPIObjectPath *, const char *);
	CMPIString	*(*getClassName)(CMPI_OP_, CMPI_RC_);
	CMPIStatus	 (*addKey)(const CMPIObjectPath *, const char *,
			    const CMPIValue *, const CMPIType);
	CMPIData	 (*getKey)(CMPI_OP_, const char *, CMPI_RC_);
	CMPIData	 (*getKeyAt)(CMPI_OP_, CMPICount, CMPIString **,
			    CMPI_RC_);
	CMPICount	 (*getKeyCount)(CMPI_OP_, CMPI_RC_);
	CMPIStatus	 (*setNameSpaceFromObjectPath)(const CMPIObjectPath *,
			    CMPI_OP_);
	CMPIStatus	 (*setHostAndNameSpaceFromObjectPath)(
			    const CMPIObjectPath *, CMPI_OP_);
	CMPIData	 (*getClassQualifier)(CMPI_OP_, const char *, CMPI_RC_);
	CMPIData	 (*getPropertyQualifier)(CMPI_OP_, const char *,
			    const char *, CMPI_RC_);
	CMPIData	 (*getMethodQualifier)(CMPI_OP_, const char *,
			    const char *, CMPI_RC_);
	CMPIData	 (*getParameterQualifier)(CMPI_OP_, const char *,
			    const char *, const char *, CMPI_RC_);
	CMPIString	*(*toString)(CMPI_OP_, CMPI_RC_);
} CMPIObjectPathFT;

typedef struct _CMPIArgsFT {
	int		 ftVersion;
	CMPIStatus	 (*release)(CMPIArgs *);
	CMPIArgs	*(*clone)(const CMPIArgs *, CMPI_RC_);
	CMPIStatus	 (*addArg)(const CMPIArgs *, const char *,
			    const CMPIValue *, const CMPIType);
	CMPIData	 (*getArg)(const CMPIArgs *, const char *, CMPI_RC_);
	CMPIData	 (*getArgAt)(const CMPIArgs *, CMPICount, CMPIString **,
			    CMPI_RC_);
	CMPICount	 (*getArgCount)(const CMPIArgs *, CMPI_RC_);
} CMPIArgsFT;

typedef struct _CMPIDateTimeFT {
	int		 ftVersion;
	CMPIStatus	 (*release)(CMPIDateTime *);
	CMPIDateTime	*(*clone)(const CMPIDateTime *, CMPI_RC_);
	CMPIUint64	 (*getBinaryFormat)(const CMPIDateTime *, CMPI_RC_);
	CMPIString	*(*getStringFormat)(const CMPIDateTime *, CMPI_RC_);
	CMPIBoolean	 (*isInterval)(const CMPIDateTime *, CMPI_RC_);
} CMPIDateTimeFT;

typedef struct _CMPISelectExpFT {
	int		 ftVersion;
	CMPIStatus	 (*release)(CMPISelectExp *);
	CMPISelectExp	*(*clone)(const CMPISelectExp *, CMPI_RC_);
	CMPIBoolean	 (*evaluate)(const CMPISelectExp *,
			    const CMPIInstance *, CMPI_RC_);
	CMPIString	*(*getString)(const CMPISelectExp *, CMPI_RC_);
	CMPISelectCond	*(*getDOC)(const CMPISelectExp *, CMPI_RC_);
	CMPISelectCond	*(*getCOD)(const CMPISelectExp *, CMPI_RC_);
	CMPIBoolean	 (*evaluateUsingAccessor)(const CMPISelectExp *,
			    CMPIAccessor *, void *, CMPI_RC_);
} CMPISelectExpFT;

typedef struct _CMPISelectCondFT {
	int		 ftVersion;
	CMPIStatus	 (*release)(CMPISelectCond *);
	CMPISelectCond	*(*clone)(const CMPISelectCond *, CMPI_RC_);
	CMPICount	 (*getCountAndType)(const CMPISelectCond *, int *,
			    CMPI_RC_);
	CMPISubCond	*(*getSubCondAt)(const CMPISelectCond *, CMPICount,
			    CMPI_RC_);
} CMPISelectCondFT;

typedef struct _CMPISubCondFT {
	int		 ftVersion;
	CMPIStatus	 (*release)(CMPISubCond *);
	CMPISubCond	*(*clone)(const CMPISubCond *, CMPI_RC_);
	CMPICount	 (*getCount)(const CMPISubCond *, CMPI_RC_);
	CMPIPredicate	*(*getPredicateAt)(const CMPISubCond *, CMPICount,
			    CMPI_RC_);
	CMPIPredicate	*(*getPredicate)(const CMPISubCond *, const char *,
			    CMPI_RC_);
} CMPISubCondFT;

typedef struct _CMPIPredicateFT {
	int		 ftVersion;
	CMPIStatus	 (*release)(CMPIPredicate *);
	CMPIPredicate	*(*clone)(const CMPIPredicate *, CMPI_RC_);
	CMPIStatus	 (*getData)(const CMPIPredicate *, CMPIType *,
			    CMPIPredOp *, CMPIString **, CMPIString **);
	CMPIBoolean	 (*evaluateUsingAccessor)(const CMPIPredicate *,
			    CMPIAccessor *, void *, CMPI_RC_);
} CMPIPredicateFT;

typedef struct _CMPIErrorFT {
	int		 ftVersion;
	CMPIStatus	 (*release)(CMPIError *);
	CMPIError	*(*clone)(const CMPIError *, CMPI_RC_);
	CMPIErrorType	 (*getErrorType)(const CMPIError *, CMPI_RC_);
	CMPIString	*(*getOtherErrorType)(const CMPIError *, CMPI_RC_);
	CMPIString	*(*getOwningEntity)(const CMPIError *, CMPI_RC_);
	CMPIString	*(*getMessageID)(const CMPIError *, CMPI_RC_);
	CMPIString	*(*getMessage)(const CMPIError *, CMPI_RC_);
	CMPIErrorSeverity (*getPerceivedSeverity)(const CMPIError *,
			    CMPI_RC_);
	CMPIErrorProbableCause (*getProbableCause)(const CMPIError *,
			    CMPI_RC_);
	CMPIString	*(*getProbableCauseDescription)(const CMPIError *,
			    CMPI_RC_);
	CMPIArray	*(*getRecommendedActions)(const CMPIError *, CMPI_RC_);
	CMPIString	*(*getErrorSource)(const CMPIError *, CMPI_RC_);
	CMPIErrorSrcFormat (*getErrorSourceFormat)(const CMPIError *,
			    CMPI_RC_);
	CMPIString	*(*getOtherErrorSourceFormat)(const CMPIError *,
			    CMPI_RC_);
	CMPIrc		 (*getCIMStatusCode)(const CMPIError *, CMPI_RC_);
	CMPIString	*(*getCIMStatusCodeDescription)(const CMPIError *,
			    CMPI_RC_);
	CMPIArray	*(*getMessageArguments)(const CMPIError *, CMPI_RC_);
	CMPIStatus	 (*setErrorType)(const CMPIError *,
			    const CMPIErrorType);
	CMPIStatus	 (*setOtherErrorType)(const CMPIError *, const char *);
	CMPIStatus	 (*setProbableCauseDescription)(const CMPIError *,
			    const char *);
	CMPIStatus	 (*setRecommendedActions)(const CMPIError *,
			    const CMPIArray *);
	CMPIStatus	 (*setErrorSource)(const CMPIError *, const char *);
	CMPIStatus	 (*setErrorSourceFormat)(const CMPIError *,
			    const CMPIErrorSrcFormat);
	CMPIStatus	 (*setOtherErrorSourceFormat)(const CMPIError *,
			    const char *);
	CMPIStatus	 (*setCIMStatusCodeDescription)(const CMPIError *,
			    const char *);
	CMPIStatus	 (*setMessageArguments)(const CMPIError *,
			    const CMPIArray *);
} CMPIErrorFT;

typedef struct _CMPIPropertyListFT {
	int		 ftVersion;
	CMPIStatus	 (*release)(CMPIPropertyList *);
	CMPIPropertyList *(*clone)(const CMPIPropertyList *, CMPI_RC_);
	CMPIBoolean	 (*isPropertyInList)(const CMPIPropertyList *,
			    const char *, CMPI_RC_);
	const char	**(*getProperties)(const CMPIPropertyList *, CMPI_RC_);
} CMPIPropertyListFT;

typedef struct _CMPIEnumerationFilterFT {
	int		 ftVersion;
	CMPIStatus	 (*release)(CMPIEnumerationFilter *);
	CMPIEnumerationFilter *(*clone)(const CMPIEnumerationFilter *,
			    CMPI_RC_);
	CMPIBoolean	 (*match)(const CMPIEnumerationFilter *,
			    const CMPIInstance *, CMPI_RC_);
} CMPIEnumerationFilterFT;

/* Provider (MI) objects and tables. */
struct _CMPIInstanceMIFT;
struct _CMPIAssociationMIFT;
struct _CMPIMethodMIFT;
struct _CMPIPropertyMIFT;
struct _CMPIIndicationMIFT;

typedef struct _CMPIInstanceMI {
	void				*hdl;
	const struct _CMPIInstanceMIFT	*ft;
} CMPIInstanceMI;
typedef struct _CMPIAssociationMI {
	void				*hdl;
	const struct _CMPIAssociationMIFT *ft;
} CMPIAssociationMI;
typedef struct _CMPIMethodMI {
	void				*hdl;
	const struct _CMPIMethodMIFT	*ft;
} CMPIMethodMI;
typedef struct _CMPIPropertyMI {
	void				*hdl;
	const struct _CMPIPropertyMIFT	*ft;
} CMPIPropertyMI;
typedef struct _CMPIIndicationMI {
	void				*hdl;
	const struct _CMPIIndicationMIFT *ft;
} CMPIIndicationMI;

#define CMPI_R_		const CMPIResult *

typedef struct _CMPIInstanceMIFT {
	int		 ftVersion;
	int		 miVersion;
	const char	*miName;
	CMPIStatus	 (*cleanup)(CMPIInstanceMI *, CMPI_C_, CMPIBoolean);
	CMPIStatus	 (*enumerateInstanceNames)(CMPIInstanceMI *, CMPI_C_,
			    CMPI_R_, CMPI_OP_);
	CMPIStatus	 (*enumerateInstances)(CMPIInstanceMI *, CMPI_C_,
			    CMPI_R_, CMPI_OP_, const char **);
	CMPIStatus	 (*getInstance)(CMPIInstanceMI *, CMPI_C_, CMPI_R_,
			    CMPI_OP_, const char **);
	CMPIStatus	 (*createInstance)(CMPIInstanceMI *, CMPI_C_, CMPI_R_,
			    CMPI_OP_, const CMPIInstance *);
	CMPIStatus	 (*modifyInstance)(CMPIInstanceMI *, CMPI_C_, CMPI_R_,
			    CMPI_OP_, const CMPIInstance *, const char **);
	CMPIStatus	 (*deleteInstance)(CMPIInstanceMI *, CMPI_C_, CMPI_R_,
			    CMPI_OP_);
	CMPIStatus	 (*execQuery)(CMPIInstanceMI *, CMPI_C_, CMPI_R_,
			    CMPI_OP_, const char *, const char *);
	CMPIStatus	 (*enumerateInstancesFiltered)(CMPIInstanceMI *,
			    CMPI_C_, CMPI_R_, CMPI_OP_, const char **,
			    const char *, const char *);
} CMPIInstanceMIFT;

typedef struct _CMPIAssociationMIFT {
	int		 ftVersion;
	const CMPISint32 miVersion;
	const char	*miName;
	CMPIStatus	 (*cleanup)(CMPIAssociationMI *, CMPI_C_, CMPIBoolean);
	CMPIStatus	 (*associators)(CMPIAssociationMI *, CMPI_C_, CMPI_R_,
			    CMPI_OP_, const char *, const char *,
			    const char *, const char *, const char **);
	CMPIStatus	 (*associatorNames)(CMPIAssociationMI *, CMPI_C_,
			    CMPI_R_, CMPI_OP_, const char *, const char *,
			    const char *, const char *);
	CMPIStatus	 (*references)(CMPIAssociationMI *, CMPI_C_, CMPI_R_,
			    CMPI_OP_, const char *, const char *,
			    const char **);
	CMPIStatus	 (*referenceNames)(CMPIAssociationMI *, CMPI_C_,
			    CMPI_R_, CMPI_OP_, const char *, const char *);
	CMPIStatus	 (*associatorsFiltered)(CMPIAssociationMI *, CMPI_C_,
			    CMPI_R_, CMPI_OP_, const char *, const char *,
			    const char *, const char *, const char **,
			    const char *, const char *, CMPIBoolean);
	CMPIStatus	 (*referencesFiltered)(CMPIAssociationMI *, CMPI_C_,
			    CMPI_R_, CMPI_OP_, const char *, const char *,
			    const char **, const char *, const char *,
			    CMPIBoolean);
} CMPIAssociationMIFT;

typedef struct _CMPIMethodMIFT {
	int		 ftVersion;
	int		 miVersion;
	const char	*miName;
	CMPIStatus	 (*cleanup)(CMPIMethodMI *, CMPI_C_, CMPIBoolean);
	CMPIStatus	 (*invokeMethod)(CMPIMethodMI *, CMPI_C_, CMPI_R_,
			    CMPI_OP_, const char *, const CMPIArgs *,
			    CMPIArgs *);
} CMPIMethodMIFT;

typedef struct _CMPIPropertyMIFT {
	int		 ftVersion;
	int		 miVersion;
	const char	*miName;
	CMPIStatus	 (*cleanup)(CMPIPropertyMI *, CMPI_C_, CMPIBoolean);
	CMPIStatus	 (*setProperty)(CMPIPropertyMI *, CMPI_C_, CMPI_R_,
			    CMPI_OP_, const char *, const CMPIData);
	CMPIStatus	 (*getProperty)(CMPIPropertyMI *, CMPI_C_, CMPI_R_,
			    CMPI_OP_, const char *);
	CMPIStatus	 (*setPropertyWithOrigin)(CMPIPropertyMI *, CMPI_C_,
			    CMPI_R_, CMPIObjectPath *, const char *,
			    const CMPIData, const char *);
} CMPIPropertyMIFT;

typedef struct _CMPIIndicationMIFT {
	int		 ftVersion;
	int		 miVersion;
	const char	*miName;
	CMPIStatus	 (*cleanup)(CMPIIndicationMI *, CMPI_C_, CMPIBoolean);
	CMPIStatus	 (*authorizeFilter)(CMPIIndicationMI *, CMPI_C_,
			    const CMPISelectExp *, const char *, CMPI_OP_,
			    const char *);
	/* 2.1 form (rslt third); a 2.0 provider (ftVersion < 210) has no
	 * rslt argument: the broker calls it through a cast. */
	CMPIStatus	 (*mustPoll)(CMPIIndicationMI *, CMPI_C_, CMPI_R_,
			    const CMPISelectExp *, const char *, CMPI_OP_);
	CMPIStatus	 (*activateFilter)(CMPIIndicationMI *, CMPI_C_,
			    const CMPISelectExp *, const char *, CMPI_OP_,
			    CMPIBoolean);
	CMPIStatus	 (*deActivateFilter)(CMPIIndicationMI *, CMPI_C_,
			    const CMPISelectExp *, const char *, CMPI_OP_,
			    CMPIBoolean);
	CMPIStatus	 (*enableIndications)(CMPIIndicationMI *, CMPI_C_);
	CMPIStatus	 (*disableIndications)(CMPIIndicationMI *, CMPI_C_);
	CMPIStatus	 (*authorizeFilterCollection)(CMPIIndicationMI *,
			    CMPI_C_, const CMPIInstance *);
	CMPIStatus	 (*activateFilterCollection)(CMPIIndicationMI *,
			    CMPI_C_, const CMPIInstance *, CMPIBoolean);
	CMPIStatus	 (*deActivateFilterCollection)(CMPIIndicationMI *,
			    CMPI_C_, const CMPIInstance *, CMPIBoolean);
} CMPIIndicationMIFT;

#undef CMPI_B_
#undef CMPI_C_
#undef CMPI_OP_
#undef CMPI_RC_
#undef CMPI_R_

#ifdef __cplusplus
}
#endif

#endif
