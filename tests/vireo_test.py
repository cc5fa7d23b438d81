# SPDX-License-Identifier: ISC
#
# What the pyVmomi scripts (tests/itest_hostd_*.py) share: the skip when
# pyVmomi is missing, a connection that accepts hostd's self-signed
# certificate, and the ok/FAIL counter whose summary is the exit status
# (0 pass, 1 fail, 77 skip, as harness_run_pyvmomi expects).  A script
# puts its own directory first on sys.path and imports this before
# pyVmomi, so the skip comes before any ImportError.

import ssl
import sys

try:
    from pyVim.connect import SmartConnect
except ImportError as e:
    print("SKIP: pyVmomi is not installed (%s)" % e)
    sys.exit(77)

# hostd's certificate is self-signed, made on first boot.
CTX = ssl._create_unverified_context()
failures = 0


def connect(port, user, pwd):
    return SmartConnect(host="127.0.0.1", port=port, user=user, pwd=pwd,
                        sslContext=CTX)


def check(what, cond, detail=""):
    global failures
    if cond:
        print("ok: %s" % what)
    else:
        failures += 1
        print("FAIL: %s %s" % (what, detail))


def summary():
    print("%d failure(s)" % failures)
    sys.exit(1 if failures else 0)
