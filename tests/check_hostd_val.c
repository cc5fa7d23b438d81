/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for hostd/val.c and hostd/fault.c: the writer follows every
 * rule of vi-api.md §2.3 byte for byte (xsi:type in anyType slots and for
 * subtypes only, ArrayOfX wrappers with <X> items, repeated elements for
 * array fields, MoRefs, primitives, escaping), faults come out exactly as
 * the captured §2.5 examples, and the request reader resolves xsi:type by
 * namespace (xsi:, XMLSchema-instance:, xsd prefixes) and refuses bad
 * primitives.
 */

#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>
#include <event2/buffer.h>

#include "hostd.h"
#include "xmalloc.h"
#include "xml.h"

static char	*check_hostd_val_str(struct evbuffer *);
static char	*check_hostd_val_w(const char *, const char *,
		    struct hostd_val *);
static void	 check_hostd_val_eq(const char *, const char *,
		    struct hostd_val *, const char *);
static char	*check_hostd_val_fault(struct hostd_fault *);
static struct hostd_val *check_hostd_val_parse(const char *, const char *,
		    int *, char **);

/* The evbuffer's contents as a string (caller frees); empties it. */
static char *
check_hostd_val_str(struct evbuffer *b)
{
	size_t	 len = evbuffer_get_length(b);
	char	*s;

	s = xmalloc(len + 1);
	evbuffer_remove(b, s, len);
	s[len] = '\0';
	return (s);
}

/* Write v (freed) as name in a slot of type decl; the XML (caller frees). */
static char *
check_hostd_val_w(const char *name, const char *decl, struct hostd_val *v)
{
	struct evbuffer	*b;
	char		*s;

	b = evbuffer_new();
	ck_assert_ptr_nonnull(b);
	hostd_val_write(b, name, decl, v);
	s = check_hostd_val_str(b);
	evbuffer_free(b);
	hostd_val_free(v);
	return (s);
}

static void
check_hostd_val_eq(const char *name, const char *decl, struct hostd_val *v,
    const char *want)
{
	char	*s;

	s = check_hostd_val_w(name, decl, v);
	ck_assert_str_eq(s, want);
	free(s);
}

static char *
check_hostd_val_fault(struct hostd_fault *f)
{
	struct evbuffer	*b;
	char		*s;

	b = evbuffer_new();
	hostd_fault_write(b, f);
	s = check_hostd_val_str(b);
	evbuffer_free(b);
	hostd_fault_free(f);
	return (s);
}

/* Parse doc (a fragment in a namespaced wrapper) and read its root. */
static struct hostd_val *
check_hostd_val_parse(const char *doc, const char *decl, int *badtype,
    char **cause)
{
	xmlDocPtr		 d;
	struct hostd_val	*v;
	char			*err = NULL;

	d = xml_parse(doc, strlen(doc), NULL, &err);
	ck_assert_msg(d != NULL, "%s", err);
	v = hostd_val_parse(xmlDocGetRootElement(d), decl, badtype, cause);
	xmlFreeDoc(d);
	return (v);
}

START_TEST(test_moref)
{
	check_hostd_val_eq("obj", NULL, hostd_val_moref("VirtualMachine", "1"),
	    "<obj type=\"VirtualMachine\">1</obj>");
	check_hostd_val_eq("_this", "ManagedObjectReference",
	    hostd_val_moref("PropertyCollector", "ha-property-collector"),
	    "<_this type=\"PropertyCollector\">ha-property-collector</_this>");
	check_hostd_val_eq("val", HOSTD_VAL_ANYTYPE,
	    hostd_val_moref("Folder", "ha-folder-vm"),
	    "<val xsi:type=\"ManagedObjectReference\" type=\"Folder\">"
	    "ha-folder-vm</val>");
	check_hostd_val_eq("returnval", NULL,
	    hostd_val_moref("Task", "haTask-1-vim.VirtualMachine.powerOn-2"),
	    "<returnval type=\"Task\">haTask-1-vim.VirtualMachine.powerOn-2"
	    "</returnval>");
}
END_TEST

START_TEST(test_primitives)
{
	struct timespec	ts = { 1714557600, 201000 };

	check_hostd_val_eq("val", HOSTD_VAL_ANYTYPE, hostd_val_string("vm1"),
	    "<val xsi:type=\"xsd:string\">vm1</val>");
	check_hostd_val_eq("val", HOSTD_VAL_ANYTYPE, hostd_val_int(-7),
	    "<val xsi:type=\"xsd:int\">-7</val>");
	check_hostd_val_eq("val", HOSTD_VAL_ANYTYPE,
	    hostd_val_long(4294967296000LL),
	    "<val xsi:type=\"xsd:long\">4294967296000</val>");
	check_hostd_val_eq("val", HOSTD_VAL_ANYTYPE, hostd_val_short(-2),
	    "<val xsi:type=\"xsd:short\">-2</val>");
	check_hostd_val_eq("val", HOSTD_VAL_ANYTYPE, hostd_val_byte(7),
	    "<val xsi:type=\"xsd:byte\">7</val>");
	check_hostd_val_eq("val", HOSTD_VAL_ANYTYPE, hostd_val_bool(1),
	    "<val xsi:type=\"xsd:boolean\">true</val>");
	check_hostd_val_eq("template", NULL, hostd_val_bool(0),
	    "<template>false</template>");
	check_hostd_val_eq("val", HOSTD_VAL_ANYTYPE, hostd_val_datetime(&ts),
	    "<val xsi:type=\"xsd:dateTime\">2024-05-01T10:00:00.000201Z</val>");
	check_hostd_val_eq("returnval", NULL, hostd_val_datetime(&ts),
	    "<returnval>2024-05-01T10:00:00.000201Z</returnval>");
	check_hostd_val_eq("val", HOSTD_VAL_ANYTYPE,
	    hostd_val_base64("hello", 5),
	    "<val xsi:type=\"xsd:base64Binary\">aGVsbG8=</val>");
	check_hostd_val_eq("b", NULL, hostd_val_base64("hi", 2),
	    "<b>aGk=</b>");
	check_hostd_val_eq("b", NULL, hostd_val_base64("abc", 3),
	    "<b>YWJj</b>");
	check_hostd_val_eq("name", NULL, hostd_val_string(""),
	    "<name></name>");
	/* A declared primitive slot holding that primitive: no xsi:type. */
	check_hostd_val_eq("name", "string", hostd_val_string("x"),
	    "<name>x</name>");
}
END_TEST

START_TEST(test_enum)
{
	check_hostd_val_eq("val", HOSTD_VAL_ANYTYPE,
	    hostd_val_enum("VirtualMachinePowerState", "poweredOn"),
	    "<val xsi:type=\"VirtualMachinePowerState\">poweredOn</val>");
	check_hostd_val_eq("powerState", NULL,
	    hostd_val_enum("VirtualMachinePowerState", "poweredOff"),
	    "<powerState>poweredOff</powerState>");
}
END_TEST

START_TEST(test_object)
{
	struct hostd_val	*o, *r;

	/* Subtype in a base-typed field, exact type without xsi:type. */
	o = hostd_val_object("TaskInfo");
	hostd_val_add_str(o, "key", "haTask-1");
	r = hostd_val_object("TaskReasonUser");
	hostd_val_add_str(r, "userName", "root");
	hostd_val_add_decl(o, "reason", "TaskReason", r);
	hostd_val_add_decl(o, "description", "LocalizableMessage",
	    hostd_val_object("LocalizableMessage"));
	hostd_val_add(o, "unset", NULL);
	hostd_val_add_decl(o, "result", HOSTD_VAL_ANYTYPE,
	    hostd_val_moref("VirtualMachine", "3"));
	check_hostd_val_eq("info", NULL, o, "<info><key>haTask-1</key>"
	    "<reason xsi:type=\"TaskReasonUser\"><userName>root</userName>"
	    "</reason><description></description><result xsi:type="
	    "\"ManagedObjectReference\" type=\"VirtualMachine\">3</result>"
	    "</info>");

	/* An object in an anyType slot. */
	o = hostd_val_object("AboutInfo");
	hostd_val_add_str(o, "name", "VMware ESXi");
	check_hostd_val_eq("val", HOSTD_VAL_ANYTYPE, o,
	    "<val xsi:type=\"AboutInfo\"><name>VMware ESXi</name></val>");
}
END_TEST

START_TEST(test_arrays)
{
	struct hostd_val	*a, *d, *hw;

	a = hostd_val_array("ManagedObjectReference");
	hostd_val_push(a, hostd_val_moref("Datastore", "ds1"));
	hostd_val_push(a, hostd_val_moref("Datastore", "ds2"));
	check_hostd_val_eq("val", HOSTD_VAL_ANYTYPE, a,
	    "<val xsi:type=\"ArrayOfManagedObjectReference\">"
	    "<ManagedObjectReference xsi:type=\"ManagedObjectReference\" "
	    "type=\"Datastore\">ds1</ManagedObjectReference>"
	    "<ManagedObjectReference xsi:type=\"ManagedObjectReference\" "
	    "type=\"Datastore\">ds2</ManagedObjectReference></val>");

	a = hostd_val_array("string");
	hostd_val_push(a, hostd_val_string("a"));
	hostd_val_push(a, hostd_val_string("b"));
	check_hostd_val_eq("val", HOSTD_VAL_ANYTYPE, a,
	    "<val xsi:type=\"ArrayOfString\"><string xsi:type=\"xsd:string\">"
	    "a</string><string xsi:type=\"xsd:string\">b</string></val>");

	a = hostd_val_array("int");
	hostd_val_push(a, hostd_val_int(1));
	check_hostd_val_eq("val", HOSTD_VAL_ANYTYPE, a,
	    "<val xsi:type=\"ArrayOfInt\"><int xsi:type=\"xsd:int\">1</int>"
	    "</val>");
	a = hostd_val_array("long");
	hostd_val_push(a, hostd_val_long(2));
	check_hostd_val_eq("val", HOSTD_VAL_ANYTYPE, a,
	    "<val xsi:type=\"ArrayOfLong\"><long xsi:type=\"xsd:long\">2</long>"
	    "</val>");
	a = hostd_val_array("boolean");
	hostd_val_push(a, hostd_val_bool(1));
	check_hostd_val_eq("val", HOSTD_VAL_ANYTYPE, a,
	    "<val xsi:type=\"ArrayOfBoolean\"><boolean xsi:type="
	    "\"xsd:boolean\">true</boolean></val>");
	a = hostd_val_array("short");
	hostd_val_push(a, hostd_val_short(3));
	check_hostd_val_eq("val", HOSTD_VAL_ANYTYPE, a,
	    "<val xsi:type=\"ArrayOfShort\"><short xsi:type=\"xsd:short\">3"
	    "</short></val>");
	a = hostd_val_array("byte");
	hostd_val_push(a, hostd_val_byte(4));
	check_hostd_val_eq("val", HOSTD_VAL_ANYTYPE, a,
	    "<val xsi:type=\"ArrayOfByte\"><byte xsi:type=\"xsd:byte\">4</byte>"
	    "</val>");

	/* Data objects, subtypes carrying xsi:type. */
	a = hostd_val_array("VirtualDevice");
	d = hostd_val_object("VirtualDisk");
	hostd_val_add_int(d, "key", 2000);
	hostd_val_push(a, d);
	d = hostd_val_object("VirtualDevice");
	hostd_val_add_int(d, "key", 1);
	hostd_val_push(a, d);
	check_hostd_val_eq("val", HOSTD_VAL_ANYTYPE, a,
	    "<val xsi:type=\"ArrayOfVirtualDevice\"><VirtualDevice "
	    "xsi:type=\"VirtualDisk\"><key>2000</key></VirtualDevice>"
	    "<VirtualDevice xsi:type=\"VirtualDevice\"><key>1</key>"
	    "</VirtualDevice></val>");

	a = hostd_val_array("OptionValue");
	d = hostd_val_object("OptionValue");
	hostd_val_add_str(d, "key", "Config.HostAgent.log.level");
	hostd_val_add_decl(d, "value", HOSTD_VAL_ANYTYPE,
	    hostd_val_string("info"));
	hostd_val_push(a, d);
	check_hostd_val_eq("val", HOSTD_VAL_ANYTYPE, a,
	    "<val xsi:type=\"ArrayOfOptionValue\"><OptionValue xsi:type="
	    "\"OptionValue\"><key>"
	    "Config.HostAgent.log.level</key><value xsi:type=\"xsd:string\">"
	    "info</value></OptionValue></val>");

	check_hostd_val_eq("val", HOSTD_VAL_ANYTYPE,
	    hostd_val_array("CustomFieldValue"),
	    "<val xsi:type=\"ArrayOfCustomFieldValue\"></val>");

	/* Array fields: repeated elements, no wrapper. */
	hw = hostd_val_object("VirtualHardware");
	hostd_val_add_int(hw, "numCPU", 2);
	a = hostd_val_array("VirtualDevice");
	d = hostd_val_object("VirtualDisk");
	hostd_val_add_int(d, "key", 2000);
	hostd_val_push(a, d);
	d = hostd_val_object("VirtualE1000");
	hostd_val_add_int(d, "key", 4000);
	hostd_val_push(a, d);
	hostd_val_add(hw, "device", a);
	hostd_val_add(hw, "empty", hostd_val_array("string"));
	check_hostd_val_eq("hardware", NULL, hw, "<hardware><numCPU>2"
	    "</numCPU><device xsi:type=\"VirtualDisk\"><key>2000</key>"
	    "</device><device xsi:type=\"VirtualE1000\"><key>4000</key>"
	    "</device></hardware>");

	/* An array result: one returnval per item. */
	a = hostd_val_array("boolean");
	hostd_val_push(a, hostd_val_bool(1));
	hostd_val_push(a, hostd_val_bool(0));
	check_hostd_val_eq("returnval", NULL, a,
	    "<returnval>true</returnval><returnval>false</returnval>");
	a = hostd_val_array("ManagedObjectReference");
	hostd_val_push(a, hostd_val_moref("Folder", "ha-folder-vm"));
	check_hostd_val_eq("childEntity", NULL, a,
	    "<childEntity type=\"Folder\">ha-folder-vm</childEntity>");
}
END_TEST

START_TEST(test_faults)
{
	char	*s;

	s = check_hostd_val_fault(hostd_fault_invalid_login());
	ck_assert_str_eq(s, "<soapenv:Fault><faultcode>ServerFaultCode"
	    "</faultcode><faultstring>Cannot complete login due to an "
	    "incorrect user name or password.</faultstring><detail>"
	    "<InvalidLoginFault xmlns=\"urn:vim25\" xsi:type=\"InvalidLogin\">"
	    "</InvalidLoginFault></detail></soapenv:Fault>");
	free(s);

	s = check_hostd_val_fault(hostd_fault_not_authenticated(
	    "ServiceInstance", "ServiceInstance", "System.View"));
	ck_assert_ptr_nonnull(strstr(s, "<faultstring>The session is not "
	    "authenticated.</faultstring><detail><NotAuthenticatedFault "
	    "xmlns=\"urn:vim25\" xsi:type=\"NotAuthenticated\"><object "
	    "type=\"ServiceInstance\">ServiceInstance</object><privilegeId>"
	    "System.View</privilegeId></NotAuthenticatedFault></detail>"));
	free(s);

	s = check_hostd_val_fault(hostd_fault_not_found_mo("VirtualMachine",
	    "vm-99999"));
	ck_assert_ptr_nonnull(strstr(s, "<faultstring>The object "
	    "'vim.VirtualMachine:vm-99999' has already been deleted or has "
	    "not been completely created</faultstring><detail>"
	    "<ManagedObjectNotFoundFault xmlns=\"urn:vim25\" xsi:type="
	    "\"ManagedObjectNotFound\"><obj type=\"VirtualMachine\">vm-99999"
	    "</obj></ManagedObjectNotFoundFault></detail>"));
	free(s);

	s = check_hostd_val_fault(hostd_fault_method_not_found(
	    "VirtualMachine", "vm-15", "RebootGuest"));
	ck_assert_ptr_nonnull(strstr(s, "<detail><MethodNotFoundFault xmlns="
	    "\"urn:vim25\" xsi:type=\"MethodNotFound\"><receiver type="
	    "\"VirtualMachine\">vm-15</receiver><method>RebootGuest</method>"
	    "</MethodNotFoundFault></detail>"));
	free(s);

	s = check_hostd_val_fault(hostd_fault_not_implemented());
	ck_assert_str_eq(s, "<soapenv:Fault><faultcode>ServerFaultCode"
	    "</faultcode><faultstring>The requested operation is not "
	    "implemented by the server.</faultstring><detail>"
	    "<NotImplementedFault xmlns=\"urn:vim25\" xsi:type="
	    "\"NotImplemented\"></NotImplementedFault></detail>"
	    "</soapenv:Fault>");
	free(s);

	{
		struct hostd_fault	*f;

		f = hostd_fault_create("UserNotFound", NULL);
		hostd_val_add_str(f->f_obj, "principal", "");
		hostd_val_add_bool(f->f_obj, "unresolved", 0);
		s = check_hostd_val_fault(f);
		ck_assert_ptr_nonnull(strstr(s, "<detail><UserNotFoundFault "
		    "xmlns=\"urn:vim25\" xsi:type=\"UserNotFound\"><principal>"
		    "</principal><unresolved>false</unresolved>"
		    "</UserNotFoundFault></detail>"));
		free(s);
	}

	s = check_hostd_val_fault(hostd_fault_invalid_argument("spec.name"));
	ck_assert_ptr_nonnull(strstr(s, "<faultstring>A specified parameter "
	    "was not correct: spec.name</faultstring><detail>"
	    "<InvalidArgumentFault xmlns=\"urn:vim25\" xsi:type="
	    "\"InvalidArgument\"><invalidProperty>spec.name</invalidProperty>"
	    "</InvalidArgumentFault></detail>"));
	free(s);
}
END_TEST

START_TEST(test_localized)
{
	struct hostd_fault	*f;
	struct hostd_val	*lmf, *mp;

	f = hostd_fault_create("InvalidPowerState", "The attempted operation "
	    "cannot be performed in the current state (Powered on).");
	hostd_val_add(f->f_obj, "requestedState",
	    hostd_val_enum("VirtualMachinePowerState", "poweredOn"));
	hostd_val_add(f->f_obj, "existingState",
	    hostd_val_enum("VirtualMachinePowerState", "poweredOn"));
	lmf = hostd_fault_localized(f);
	hostd_fault_free(f);
	check_hostd_val_eq("error", "LocalizedMethodFault", lmf,
	    "<error><fault xsi:type=\"InvalidPowerState\"><requestedState>"
	    "poweredOn</requestedState><existingState>poweredOn"
	    "</existingState></fault><localizedMessage>The attempted "
	    "operation cannot be performed in the current state (Powered on)."
	    "</localizedMessage></error>");

	/* A missingSet entry (A.3). */
	f = hostd_fault_not_authenticated("Folder", "ha-folder-root",
	    "System.Read");
	mp = hostd_val_object("MissingProperty");
	hostd_val_add_str(mp, "path", "name");
	hostd_val_add(mp, "fault", hostd_fault_localized(f));
	hostd_fault_free(f);
	check_hostd_val_eq("missingSet", NULL, mp, "<missingSet><path>name"
	    "</path><fault><fault xsi:type=\"NotAuthenticated\"><object type="
	    "\"Folder\">ha-folder-root</object><privilegeId>System.Read"
	    "</privilegeId></fault><localizedMessage>The session is not "
	    "authenticated.</localizedMessage></fault></missingSet>");
}
END_TEST

START_TEST(test_escape)
{
	check_hostd_val_eq("name", NULL, hostd_val_string("a<b&\"c\">'"),
	    "<name>a&lt;b&amp;&quot;c&quot;&gt;'</name>");
	check_hostd_val_eq("name", NULL, hostd_val_string("HaNetwork-VM "
	    "Network\t\n\r"), "<name>HaNetwork-VM Network\t\n&#13;</name>");
	/* Control bytes and broken UTF-8 become U+FFFD; good UTF-8 stays. */
	check_hostd_val_eq("n", NULL, hostd_val_stringn("a\001b\000c", 5),
	    "<n>a\xef\xbf\xbd" "b\xef\xbf\xbd" "c</n>");
	check_hostd_val_eq("n", NULL, hostd_val_string("\xc3\xa9\xff\xc3"),
	    "<n>\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd</n>");
	check_hostd_val_eq("n", NULL, hostd_val_string("\xed\xa0\x80"),
	    "<n>\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd</n>");
	check_hostd_val_eq("n", NULL, hostd_val_string("\xf0\x9f\x90\xa6"),
	    "<n>\xf0\x9f\x90\xa6</n>");
	check_hostd_val_eq("obj", NULL, hostd_val_moref("Network",
	    "HaNetwork-A&B"), "<obj type=\"Network\">HaNetwork-A&amp;B</obj>");
}
END_TEST

START_TEST(test_copy_readers)
{
	struct hostd_val	*o, *c;
	int64_t			 i;
	int			 b;

	o = hostd_val_object("X");
	hostd_val_add_str(o, "a", "1");
	hostd_val_add_str(o, "a", "2");
	hostd_val_add_int(o, "n", 5);
	hostd_val_add_bool(o, "t", 1);
	hostd_val_add_moref(o, "m", "Folder", "f");
	c = hostd_val_copy(o);
	hostd_val_free(o);
	ck_assert_uint_eq(hostd_val_field_count(c, "a"), 2);
	ck_assert_str_eq(hostd_val_str(hostd_val_field_nth(c, "a", 1)), "2");
	ck_assert_ptr_null(hostd_val_field_nth(c, "a", 2));
	ck_assert_ptr_null(hostd_val_field(c, "zz"));
	ck_assert_int_eq(hostd_val_get_int(hostd_val_field(c, "a"), 0, 10,
	    &i), 0);
	ck_assert_int_eq(i, 1);
	ck_assert_int_eq(hostd_val_get_int(hostd_val_field(c, "n"), 0, 4,
	    &i), -1);
	ck_assert_int_eq(errno, ERANGE);
	ck_assert_int_eq(hostd_val_get_bool(hostd_val_field(c, "t"), &b), 0);
	ck_assert_int_eq(b, 1);
	ck_assert(hostd_val_is_moref(hostd_val_field(c, "m"), "Folder"));
	ck_assert(!hostd_val_is_moref(hostd_val_field(c, "m"), "Datastore"));
	ck_assert(!hostd_val_is_moref(hostd_val_field(c, "a"), NULL));
	hostd_val_free(c);
	hostd_val_free(NULL);
}
END_TEST

START_TEST(test_parse)
{
	struct hostd_val	*v;
	const struct hostd_val	*f;
	char			*cause = NULL;
	int			 bad;
	int64_t			 i;

	/* govmomi's XMLSchema-instance: prefix, a subtype, nested fields. */
	v = check_hostd_val_parse("<selectSet xmlns=\"urn:vim25\" "
	    "xmlns:XMLSchema-instance=\"http://www.w3.org/2001/"
	    "XMLSchema-instance\" XMLSchema-instance:type=\"TraversalSpec\">"
	    "<name>traverseParent</name><type>ManagedEntity</type><path>"
	    "parent</path><skip>false</skip><selectSet><name>x</name>"
	    "</selectSet></selectSet>", "SelectionSpec", &bad, &cause);
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->v_kind, HOSTD_VAL_OBJECT);
	ck_assert_str_eq(v->v_type, "TraversalSpec");
	ck_assert_str_eq(hostd_val_str(hostd_val_field(v, "type")),
	    "ManagedEntity");
	f = hostd_val_field(v, "selectSet");
	ck_assert_str_eq(hostd_val_str(hostd_val_field(f, "name")), "x");
	hostd_val_free(v);

	/* pyVmomi's xsi: prefix with an xsd primitive in an anyType slot. */
	v = check_hostd_val_parse("<value xmlns=\"urn:vim25\" xmlns:xsi="
	    "\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:q="
	    "\"http://www.w3.org/2001/XMLSchema\" xsi:type=\"q:long\">"
	    "42</value>", HOSTD_VAL_ANYTYPE, &bad, &cause);
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->v_kind, HOSTD_VAL_LONG);
	ck_assert_int_eq(v->v_int, 42);
	hostd_val_free(v);

	/* A vim25 type with a prefix bound to urn:vim25; an enum. */
	v = check_hostd_val_parse("<v xmlns:v=\"urn:vim25\" xmlns:xsi="
	    "\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type="
	    "\"v:VirtualMachinePowerState\">poweredOn</v>", NULL, &bad,
	    &cause);
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->v_kind, HOSTD_VAL_ENUM);
	ck_assert_str_eq(v->v_type, "VirtualMachinePowerState");
	ck_assert_str_eq(v->v_str, "poweredOn");
	hostd_val_free(v);

	/* MoRefs; a stray ns1: prefix on the type is dropped. */
	v = check_hostd_val_parse("<obj type=\"ns1:VirtualMachine\">1</obj>",
	    NULL, &bad, &cause);
	ck_assert(hostd_val_is_moref(v, "VirtualMachine"));
	ck_assert_str_eq(v->v_str, "1");
	hostd_val_free(v);

	/* ArrayOfString in an anyType slot. */
	v = check_hostd_val_parse("<val xmlns=\"urn:vim25\" xmlns:xsi="
	    "\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type="
	    "\"ArrayOfString\"><string>a</string><string>b</string></val>",
	    NULL, &bad, &cause);
	ck_assert_int_eq(v->v_kind, HOSTD_VAL_ARRAY);
	ck_assert_str_eq(v->v_type, "string");
	ck_assert_uint_eq(v->v_nitems, 2);
	ck_assert_str_eq(v->v_items[1]->v_str, "b");
	hostd_val_free(v);
	v = check_hostd_val_parse("<val xmlns:xsi=\"http://www.w3.org/2001/"
	    "XMLSchema-instance\" xsi:type=\"ArrayOfManagedObjectReference\">"
	    "<ManagedObjectReference type=\"Datastore\">ds</"
	    "ManagedObjectReference></val>", NULL, &bad, &cause);
	ck_assert_str_eq(v->v_type, "ManagedObjectReference");
	ck_assert(hostd_val_is_moref(v->v_items[0], "Datastore"));
	hostd_val_free(v);

	/* Declared primitives; empty data objects are present but empty. */
	v = check_hostd_val_parse("<maxObjects> 1 </maxObjects>", "int", &bad,
	    &cause);
	ck_assert_int_eq(hostd_val_get_int(v, 0, 10, &i), 0);
	ck_assert_int_eq(i, 1);
	hostd_val_free(v);
	v = check_hostd_val_parse("<options></options>", "RetrieveOptions",
	    &bad, &cause);
	ck_assert_int_eq(v->v_kind, HOSTD_VAL_OBJECT);
	ck_assert_str_eq(v->v_type, "RetrieveOptions");
	ck_assert_uint_eq(v->v_nfields, 0);
	hostd_val_free(v);
	v = check_hostd_val_parse("<t>2026-11-21T04:59:42.005835786Z</t>",
	    "dateTime", &bad, &cause);
	ck_assert_int_eq(v->v_kind, HOSTD_VAL_DATETIME);
	ck_assert_int_eq(v->v_nsec, 5835786);
	hostd_val_free(v);
	v = check_hostd_val_parse("<t>2026-11-21T06:59:42+02:00</t>",
	    "dateTime", &bad, &cause);
	ck_assert_int_eq(v->v_int, 1795237182);
	hostd_val_free(v);
	v = check_hostd_val_parse("<b>aGVs bG8=</b>", "base64Binary", &bad,
	    &cause);
	ck_assert_int_eq(v->v_kind, HOSTD_VAL_BASE64);
	ck_assert_uint_eq(v->v_len, 5);
	ck_assert_str_eq(v->v_str, "hello");
	hostd_val_free(v);
}
END_TEST

START_TEST(test_parse_errors)
{
	static const struct {
		const char	*doc;
		const char	*decl;
		int		 badtype;
	} bad[] = {
		{ "<n>12x</n>", "int", 0 },
		{ "<n>2147483648</n>", "int", 0 },
		{ "<n>40000</n>", "short", 0 },
		{ "<n></n>", "long", 0 },
		{ "<n>yes</n>", "boolean", 0 },
		{ "<n>2026-13-01T00:00:00Z</n>", "dateTime", 0 },
		{ "<n>2026-01-01</n>", "dateTime", 0 },
		{ "<n>a=b=</n>", "base64Binary", 0 },
		{ "<n><x>1</x></n>", "string", 0 },
		{ "<obj>1</obj>", "ManagedObjectReference", 0 },
		{ "<obj type=\"\">1</obj>", "ManagedObjectReference", 0 },
		{ "<n xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
		  "xsi:type=\"p:Foo\">1</n>", NULL, 0 },
		{ "<n xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
		  "xmlns:p=\"urn:other\" xsi:type=\"p:Foo\">1</n>", NULL, 0 },
		{ "<n xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
		  "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "
		  "xsi:type=\"xsd:string\">1</n>", "int", 1 },
		{ "<n xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
		  "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "
		  "xsi:type=\"xsd:gYear\">1</n>", NULL, 1 },
		{ "<n xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
		  "xsi:type=\"ArrayOfInt\"><int>x</int></n>", NULL, 0 },
	};
	struct hostd_val	*v;
	char			*cause;
	size_t			 i;
	int			 badtype;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		v = check_hostd_val_parse(bad[i].doc, bad[i].decl, &badtype,
		    &cause);
		ck_assert_msg(v == NULL, "accepted %s", bad[i].doc);
		ck_assert_ptr_nonnull(cause);
		ck_assert_int_eq(errno, EINVAL);
		ck_assert_int_eq(badtype, bad[i].badtype);
		free(cause);
	}
}
END_TEST

/* The dateTime text as val.c wrote it with one snprintf. */
static void
check_hostd_val_old_datetime(const struct timespec *ts, char *buf,
    size_t len)
{
	struct tm	tm;
	time_t		t = ts->tv_sec;

	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (long)(ts->tv_nsec / 1000) % 1000000);
}

START_TEST(test_datetime)
{
	static const struct timespec edge[] = {
		{ 0, 0 },			/* the epoch */
		{ 0, 999999999 },		/* the last fraction digit */
		{ 0, 999 },			/* below a microsecond */
		{ 0, 1000 },
		{ -1, 0 },			/* 1969-12-31T23:59:59 */
		{ -62135596800LL, 0 },		/* 0001-01-01 */
		{ -62135596801LL, 0 },		/* year 0 */
		{ -62167219201LL, 5000 },	/* year -1 */
		{ 253402300799LL, 123456000 },	/* 9999-12-31T23:59:59 */
		{ 253402300800LL, 0 },		/* 10000-01-01 */
		{ 951782400, 0 },		/* 2000-02-29 */
		{ 1714557600, 201000 },
		{ 2147483647, 0 },		/* 2038 */
		{ 2147483648LL, 500000000 },
		{ 4102444800LL, 1 },		/* 2100-01-01 */
		{ 1, -1000 },			/* a negative fraction */
		{ 1, -999999999 },
		{ 1, 1999999999 },		/* fraction over a second */
		{ 67767976233316800LL, 0 },	/* past gmtime's years */
	};
	char	got[64], want[64];
	size_t	i, len;

	for (i = 0; i < sizeof edge / sizeof edge[0]; i++) {
		check_hostd_val_old_datetime(&edge[i], want, sizeof want);
		memset(got, 'x', sizeof got);
		hostd_val_format_datetime(&edge[i], got, sizeof got);
		ck_assert_msg(strcmp(got, want) == 0, "%zu: %s, want %s", i,
		    got, want);
		/* Short buffers: the same truncation as snprintf's. */
		for (len = 1; len <= 30; len++) {
			check_hostd_val_old_datetime(&edge[i], want, len);
			memset(got, 'x', sizeof got);
			hostd_val_format_datetime(&edge[i], got, len);
			ck_assert_msg(strcmp(got, want) == 0,
			    "%zu/%zu: %s, want %s", i, len, got, want);
			ck_assert_int_eq(got[len], 'x');
		}
	}
}
END_TEST

START_TEST(test_ints)
{
	check_hostd_val_eq("v", NULL, hostd_val_long(INT64_MIN),
	    "<v>-9223372036854775808</v>");
	check_hostd_val_eq("v", NULL, hostd_val_long(INT64_MAX),
	    "<v>9223372036854775807</v>");
	check_hostd_val_eq("v", NULL, hostd_val_int(0), "<v>0</v>");
	check_hostd_val_eq("v", NULL, hostd_val_int(INT32_MIN),
	    "<v>-2147483648</v>");
	check_hostd_val_eq("v", NULL, hostd_val_short(-10), "<v>-10</v>");
	check_hostd_val_eq("v", NULL, hostd_val_byte(100), "<v>100</v>");
}
END_TEST

/*
 * A value written ahead (hostd_val_buf) comes out as the tree it stands
 * for; copies keep it; the buffer grows past its first size.
 */
START_TEST(test_buf)
{
	struct hostd_val_buf	*b;
	struct hostd_val	*o, *x, *arr, *tree;
	const char		*d;
	char			*want, *got;
	size_t			 i, len;

	tree = hostd_val_object("ObjectContent");
	hostd_val_add_moref(tree, "obj", "VirtualMachine", "7<&");
	o = hostd_val_object("DynamicProperty");
	hostd_val_add_str(o, "name", "name");
	hostd_val_add_decl(o, "val", HOSTD_VAL_ANYTYPE,
	    hostd_val_string("a\"b\r"));
	hostd_val_add(tree, "propSet", o);
	want = check_hostd_val_w("objects", NULL, tree);

	b = hostd_val_buf_new();
	hostd_val_buf_markup(b, "<obj type=\"", 11);
	hostd_val_buf_text(b, "VirtualMachine", 14);
	hostd_val_buf_markup(b, "\">", 2);
	hostd_val_buf_text(b, "7<&", 3);
	hostd_val_buf_markup(b, "</obj><propSet><name>name</name>", 32);
	x = hostd_val_string("a\"b\r");
	hostd_val_buf_val(b, "val", HOSTD_VAL_ANYTYPE, x);
	hostd_val_free(x);
	hostd_val_buf_markup(b, "</propSet>", 10);
	x = hostd_val_buf_take(b, "ObjectContent");
	d = hostd_val_buf_data(b, &len);
	ck_assert_uint_eq(len, 0);
	(void)d;
	ck_assert_int_eq(x->v_kind, HOSTD_VAL_XML);
	ck_assert_ptr_null(hostd_val_field(x, "obj"));
	got = check_hostd_val_w("objects", NULL, hostd_val_copy(x));
	ck_assert_str_eq(got, want);
	free(got);
	/* In an array of its type, and where it must say its type. */
	arr = hostd_val_array("ObjectContent");
	hostd_val_push(arr, x);
	got = check_hostd_val_w("objects", "ObjectContent", arr);
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
	x = hostd_val_buf_take(b, "ObjectContent");
	check_hostd_val_eq("val", HOSTD_VAL_ANYTYPE, x,
	    "<val xsi:type=\"ObjectContent\"></val>");

	for (i = 0; i < 5000; i++)
		hostd_val_buf_markup(b, "<a>", 3);
	d = hostd_val_buf_data(b, &len);
	ck_assert_uint_eq(len, 15000);
	ck_assert_int_eq(memcmp(d + 14997, "<a>", 3), 0);
	hostd_val_buf_reset(b);
	d = hostd_val_buf_data(b, &len);
	ck_assert_uint_eq(len, 0);
	hostd_val_buf_free(b);
}
END_TEST

static Suite *
hostd_val_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("hostd_val");
	tc = tcase_create("core");
	tcase_add_test(tc, test_moref);
	tcase_add_test(tc, test_primitives);
	tcase_add_test(tc, test_enum);
	tcase_add_test(tc, test_object);
	tcase_add_test(tc, test_arrays);
	tcase_add_test(tc, test_faults);
	tcase_add_test(tc, test_localized);
	tcase_add_test(tc, test_copy_readers);
	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_datetime);
	tcase_add_test(tc, test_ints);
	tcase_add_test(tc, test_buf);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, test_escape);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_test(tc, test_parse_errors);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(hostd_val_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
