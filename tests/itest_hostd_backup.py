#!/usr/bin/python3
# SPDX-License-Identifier: ISC
#
# Configuration backup and restore through HostFirmwareSystem as pyVmomi
# sees it, in phases run by itest_hostd_backup.sh:
#   backup  (original host) make a user, a permission, root's password;
#           BackupFirmwareConfiguration, download the bundle (only with
#           the session's cookie) into BUNDLE
#   restore (fresh root) a corrupt and a tampered bundle are refused with
#           InvalidBundle and change nothing; the real one restores, hostd
#           restarts, and users, permissions, inventory and settings
#           answer as on the original host
#   check   (after the persistent-copy restart) the same answers
#   reset   ResetFirmwareToFactoryDefaults: blank root, no bob, no VM
#   resetnow  ResetFirmwareToFactoryDefaults only (the shell then sends
#           SIGTERM while the restart is pending)
#
# Usage: itest_hostd_backup.py PORT PHASE ROOT BUNDLE.  Exit 0/1/77.

import gzip
import io
import os
import ssl
import sys
import tarfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
from vireo_test import CTX, check, connect, summary  # noqa: E402
from pyVim.connect import Disconnect  # noqa: E402
from pyVmomi import vim, vmodl  # noqa: E402

PORT = int(sys.argv[1])
PHASE = sys.argv[2]
ROOT = sys.argv[3]
BUNDLE = sys.argv[4]
PORTFILE = os.path.join(ROOT, "run/vireo/hostd.port")


def fault_of(fn, *args, **kw):
    try:
        fn(*args, **kw)
    except vmodl.MethodFault as f:
        return f
    return None


def login_fails(port, user, pwd):
    try:
        Disconnect(connect(port, user, pwd))
    except vim.fault.InvalidLogin:
        return True
    return False


def cookie(si):
    return si._stub.cookie


def http(method, url, si=None, data=None):
    req = urllib.request.Request(url, data=data, method=method)
    if si is not None:
        req.add_header("Cookie", cookie(si))
    try:
        with urllib.request.urlopen(req, context=CTX, timeout=20) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def url_of(u, port):
    return u.replace("*", "127.0.0.1:%d" % port, 1)


def firmware(si):
    host = si.content.rootFolder.childEntity[0].hostFolder.childEntity[0] \
        .host[0]
    return host.configManager.firmwareSystem


def wait_restart(old_port):
    """hostd runs itself again: wait for its new port file."""
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            p = int(open(PORTFILE).read())
            if p != old_port:
                return p
        except (OSError, ValueError):
            pass
        time.sleep(0.1)
    return None


def same_host(port, phase):
    """What the original host answered, after phase."""
    check("%s: root logs in with the original password" % phase,
          not login_fails(port, "root", "Root-pass1"))
    si = connect(port, "bob", "Bob-pass-1")
    check("%s: bob logs in" % phase, si is not None)
    dc = si.content.rootFolder.childEntity[0]
    names = [vm.name for vm in dc.vmFolder.childEntity]
    check("%s: the inventory holds keepme" % phase, "keepme" in names, names)
    ds = [d.name for d in dc.datastore]
    check("%s: the datastore setting (name itestds)" % phase,
          ds == ["itestds"], ds)
    f = fault_of(si.content.accountManager.CreateUser,
                 vim.host.LocalAccountManager.AccountSpecification(
                     id="eve", password="Eve-pass-1"))
    check("%s: bob's ReadOnly permission holds (NoPermission)" % phase,
          isinstance(f, vim.fault.NoPermission), f)
    root = connect(port, "root", "Root-pass1")
    perms = root.content.authorizationManager.RetrieveAllPermissions()
    check("%s: bob's permission is listed" % phase, any(
        p.principal == "bob" and p.roleId == -2 for p in perms))
    Disconnect(si)
    Disconnect(root)


if PHASE == "backup":
    si = connect(PORT, "root", "")
    am = si.content.accountManager
    am.CreateUser(vim.host.LocalAccountManager.AccountSpecification(
        id="bob", password="Bob-pass-1", description="Bob"))
    si.content.authorizationManager.SetEntityPermissions(
        entity=si.content.rootFolder, permission=[
            vim.AuthorizationManager.Permission(
                principal="bob", group=False, roleId=-2, propagate=True)])
    am.UpdateUser(vim.host.LocalAccountManager.AccountSpecification(
        id="root", password="Root-pass1"))
    Disconnect(si)
    si = connect(PORT, "root", "Root-pass1")
    fw = firmware(si)
    check("configManager.firmwareSystem is ha-firmwareSystem",
          fw._moId == "ha-firmwareSystem")
    bob = connect(PORT, "bob", "Bob-pass-1")
    f = fault_of(firmware(bob).BackupFirmwareConfiguration)
    check("a ReadOnly user cannot back up (Host.Config.Firmware)",
          isinstance(f, vim.fault.NoPermission) and
          f.privilegeId == "Host.Config.Firmware", f)
    url = fw.BackupFirmwareConfiguration()
    check("the URL has ESX's form", url.startswith("https://*/downloads/")
          and url.endswith(".tgz") and "/configBundle-" in url, url)
    st, _ = http("GET", url_of(url, PORT))
    check("no download without the session cookie", st == 401, st)
    st, _ = http("GET", url_of(url, PORT), bob)
    check("no download for another session", st in (401, 404), st)
    st, body = http("GET", url_of(url, PORT), si)
    check("the session downloads its bundle", st == 200 and len(body) > 100,
          st)
    with tarfile.open(fileobj=io.BytesIO(body), mode="r:gz") as t:
        names = t.getnames()
    check("the bundle holds the manifest and the state files",
          names[0] == "Manifest.txt" and "etc/vireo/shadow" in names and
          "var/lib/vireo/inventory.xml" in names and
          "etc/vireo/authorization.xml" in names, names)
    with open(BUNDLE, "wb") as out:
        out.write(body)
    st, body2 = http("GET", "https://127.0.0.1:%d/host/configBundle.tgz"
                     % PORT, si)
    with tarfile.open(fileobj=io.BytesIO(body2), mode="r:gz") as t:
        names2 = t.getnames()
    check("/host/configBundle.tgz gives the same bundle for Admin",
          st == 200 and names2 == names, (st, names2))
    st, _ = http("GET", "https://127.0.0.1:%d/host/configBundle.tgz"
                 % PORT, bob)
    check("/host/configBundle.tgz is refused to a ReadOnly user", st == 403,
          st)
    st, idx = http("GET", "https://127.0.0.1:%d/host/" % PORT, si)
    check("/host/ lists configBundle.tgz", b"configBundle.tgz" in idx, st)
    Disconnect(bob)
    Disconnect(si)

elif PHASE == "restore":
    si = connect(PORT, "root", "")
    fw = firmware(si)
    up = fw.QueryFirmwareConfigUploadURL()
    check("the upload URL", up == "https://*/tmp/configBundle.tgz", up)
    st, _ = http("PUT", url_of(up, PORT), None, b"x")
    check("no upload without a session", st == 401, st)
    f = fault_of(fw.RestoreFirmwareConfiguration, force=False)
    check("restore before an upload is InvalidState",
          isinstance(f, vim.fault.InvalidState), f)

    # A corrupt bundle, then a tampered one: refused, nothing changed.
    before = open(os.path.join(ROOT, "etc/vireo/passwd")).read()
    st, _ = http("PUT", url_of(up, PORT), si, os.urandom(4096))
    check("the corrupt bundle uploads", st == 200, st)
    f = fault_of(fw.RestoreFirmwareConfiguration, force=False)
    check("a corrupt bundle is InvalidBundle",
          isinstance(f, vim.fault.InvalidBundle), f)
    good = open(BUNDLE, "rb").read()
    raw = bytearray(gzip.decompress(good))
    i = raw.find(b"bob:x:")
    raw[i:i + 3] = b"eve"
    http("PUT", url_of(up, PORT), si, gzip.compress(bytes(raw)))
    f = fault_of(fw.RestoreFirmwareConfiguration, force=False)
    check("a tampered bundle is InvalidBundle (checksum)",
          isinstance(f, vim.fault.InvalidBundle) and
          "checksum" in (f.msg or ""), f)
    check("nothing changed", open(os.path.join(ROOT, "etc/vireo/passwd"))
          .read() == before and login_fails(PORT, "bob", "Bob-pass-1"))
    check("hostd still serves", si.CurrentTime() is not None)

    st, _ = http("PUT", url_of(up, PORT), si, good)
    check("the bundle uploads", st == 200, st)
    fw.RestoreFirmwareConfiguration(force=False)
    check("RestoreFirmwareConfiguration answers", True)
    port = wait_restart(PORT)
    check("hostd restarted on the restored files", port is not None)
    if port is not None:
        same_host(port, "restored")

elif PHASE == "check":
    same_host(PORT, "persistent copy")

elif PHASE == "reset":
    si = connect(PORT, "root", "Root-pass1")
    firmware(si).ResetFirmwareToFactoryDefaults()
    port = wait_restart(PORT)
    check("hostd restarted after the reset", port is not None)
    if port is not None:
        si = connect(port, "root", "")
        check("reset: root's password is blank again", si is not None)
        check("reset: bob is gone", login_fails(port, "bob", "Bob-pass-1"))
        dc = si.content.rootFolder.childEntity[0]
        check("reset: no VM registered", list(dc.vmFolder.childEntity) == [])
        check("reset: default datastore name",
              [d.name for d in dc.datastore] == ["datastore1"])
        print("PORT %d" % port)
elif PHASE == "resetnow":
    # Only ask: the shell sends SIGTERM while the restart is pending.
    si = connect(PORT, "root", "")
    firmware(si).ResetFirmwareToFactoryDefaults()
    check("ResetFirmwareToFactoryDefaults answers", True)
else:
    print("unknown phase %s" % PHASE)
    sys.exit(2)
summary()
