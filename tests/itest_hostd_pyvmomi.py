#!/usr/bin/python3
# SPDX-License-Identifier: ISC
#
# hostd as unmodified pyVmomi 6.7 sees it (run by itest_hostd_pyvmomi.sh
# against a real hostd on a fresh --root): SmartConnect as root with the
# empty first-boot password, CurrentTime, content.about, a wrong password
# (vim.fault.InvalidLogin), a call without a session and after Logout
# (vim.fault.NotAuthenticated), SessionIsActive (NotImplemented, as on
# ESXi), Login's single Set-Cookie, and raw POSTs of garbage and of an
# unknown method (HTTP 500 with the vim25 fault).
#
# Usage: itest_hostd_pyvmomi.py PORT.  Exit 0 pass, 1 fail, 77 skip.

import datetime
import http.client
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# The scripts run from the source tree: no __pycache__ there.
sys.dont_write_bytecode = True
from vireo_test import CTX, check, connect, summary  # noqa: E402
from pyVim.connect import Disconnect  # noqa: E402
from pyVmomi import SoapStubAdapter, vim, vmodl  # noqa: E402

PORT = int(sys.argv[1])


def expect_fault(what, cls, fn):
    try:
        fn()
    except cls as e:
        check(what, True)
        return e
    except Exception as e:   # noqa: B902 -- any other outcome fails
        check(what, False, "raised %r" % (e,))
        return None
    check(what, False, "no exception")
    return None


def raw(body, cookie=None):
    conn = http.client.HTTPSConnection("127.0.0.1", PORT, context=CTX,
                                       timeout=30)
    headers = {"Content-Type": "text/xml; charset=UTF-8",
               "SOAPAction": '"urn:vim25/6.7.1"'}
    if cookie is not None:
        headers["Cookie"] = cookie
    conn.request("POST", "/sdk", body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read().decode("utf-8")
    cookies = resp.msg.get_all("Set-Cookie") or []
    conn.close()
    return resp.status, data, cookies


ENV = ('<?xml version="1.0" encoding="UTF-8"?>\n<soapenv:Envelope '
       'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
       'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
       'xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soapenv:Body>%s'
       '</soapenv:Body></soapenv:Envelope>')
SM = '<_this type="SessionManager">ha-sessionmgr</_this>'

# --- SmartConnect with the empty root password ----------------------------
si = connect(PORT, "root", "")
now = si.CurrentTime()
check("CurrentTime is a datetime", isinstance(now, datetime.datetime))
check("CurrentTime is now",
      abs((now - datetime.datetime.now(datetime.timezone.utc))
          .total_seconds()) < 60, now)
content = si.RetrieveContent()
about = content.about
check("about.name", about.name == "VMware ESXi", about.name)
check("about.apiType is HostAgent", about.apiType == "HostAgent")
check("about.productLineId", about.productLineId == "embeddedEsx")
check("about.version", about.version == "6.7.0", about.version)
check("about.apiVersion", about.apiVersion.startswith("6.7"))
check("about.fullName", about.fullName.startswith("VMware ESXi 6.7.0"))
check("rootFolder", content.rootFolder._moId == "ha-folder-root")
check("sessionManager", content.sessionManager._moId == "ha-sessionmgr")
check("propertyCollector",
      content.propertyCollector._moId == "ha-property-collector")

expect_fault("SessionIsActive is NotImplemented (as ESXi)",
             vmodl.fault.NotImplemented,
             lambda: content.sessionManager.SessionIsActive("x", "root"))

# --- a wrong password -------------------------------------------------------
e = expect_fault("a wrong password raises InvalidLogin", vim.fault.InvalidLogin,
                 lambda: connect(PORT, "root", "Wr0ng-Passw0rd"))
e = expect_fault("an unknown user raises InvalidLogin too",
                 vim.fault.InvalidLogin,
                 lambda: content.sessionManager.Login("nobody", "x"))

# --- no session -------------------------------------------------------------
stub = SoapStubAdapter(host="127.0.0.1", port=PORT, version="vim.version.version12",
                       sslContext=CTX)
anon = vim.ServiceInstance("ServiceInstance", stub)
anon_content = anon.RetrieveContent()
check("RetrieveServiceContent needs no session",
      anon_content.about.apiType == "HostAgent")
e = expect_fault("Logout without a session raises NotAuthenticated",
                 vim.fault.NotAuthenticated,
                 lambda: anon_content.sessionManager.Logout())
if e is not None:
    check("NotAuthenticated names the object",
          e.object is not None and e.object._moId == "ha-sessionmgr")
    check("NotAuthenticated names System.View",
          e.privilegeId == "System.View")

# --- raw exchanges ----------------------------------------------------------
status, body, cookies = raw(ENV % ('<Login xmlns="urn:vim25">' + SM +
                                   '<userName>root</userName><password>'
                                   '</password></Login>'))
check("raw Login answers 200", status == 200, status)
check("raw Login sets exactly one cookie", len(cookies) == 1, cookies)
cookie = cookies[0] if cookies else ""
check("the cookie is vmware_soap_session",
      cookie.startswith('vmware_soap_session="'), cookie)
status, body, cookies = raw(ENV % ('<RetrieveServiceContent xmlns='
                                   '"urn:vim25"><_this type="ServiceInstance"'
                                   '>ServiceInstance</_this>'
                                   '</RetrieveServiceContent>'), cookie)
check("other calls set no cookie", status == 200 and cookies == [],
      (status, cookies))
status, body, cookies = raw(ENV % ('<CreateCluster xmlns="urn:vim25"><_this '
                                   'type="Folder">ha-folder-root</_this>'
                                   '<name>c1</name><spec></spec>'
                                   '</CreateCluster>'), cookie)
check("an unknown method is HTTP 500", status == 500, status)
check("an unknown method is MethodNotFound",
      '<MethodNotFoundFault xmlns="urn:vim25" xsi:type="MethodNotFound">'
      in body, body)
status, body, cookies = raw("garbage")
check("garbage is HTTP 500", status == 500, status)
check("garbage is an InvalidRequest fault",
      '<InvalidRequestFault xmlns="urn:vim25" xsi:type="InvalidRequest">'
      in body and "<faultcode>ServerFaultCode</faultcode>" in body, body)
status, body, cookies = raw(ENV % ('<Logout xmlns="urn:vim25">' + SM +
                                   '</Logout>'), cookie)
check("raw Logout answers 200", status == 200, status)

# --- Logout, then the old cookie (A.3) ---------------------------------------
sm = content.sessionManager
Disconnect(si)
e = expect_fault("after Logout calls raise NotAuthenticated",
                 vim.fault.NotAuthenticated, lambda: sm.Logout())

# Log in again after all that: nothing was locked or broken.
si = connect(PORT, "root", "")
check("a second SmartConnect works", si.CurrentTime() is not None)
Disconnect(si)

summary()
