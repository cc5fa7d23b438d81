#!/usr/bin/python3
# SPDX-License-Identifier: ISC
#
# summary.quickStats as unmodified pyVmomi 6.7 sees them (run by
# itest_hostd_vmstats.sh with one test-guest VM "vm1", 64 MiB): zeros
# while powered off, as ESX; while on, uptime from the power-on time and
# the CPU and memory of the vmx process (checked against its /proc, the
# VM's vmx being the one process whose command line names its .vmx).
#
# Usage: itest_hostd_vmstats.py PORT.  Exit 0 pass, 1 fail, 77 skip.

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# The scripts run from the source tree: no __pycache__ there.
sys.dont_write_bytecode = True
from vireo_test import check, connect, summary  # noqa: E402
from pyVim.task import WaitForTask  # noqa: E402
from pyVmomi import vim  # noqa: E402

PORT = int(sys.argv[1])


def zeros(qs):
    return (qs.overallCpuUsage == 0 and qs.overallCpuDemand == 0 and
            qs.guestMemoryUsage == 0 and qs.hostMemoryUsage == 0 and
            qs.uptimeSeconds == 0 and qs.guestHeartbeatStatus == "gray")


def vmx_rss_mb(path):
    """VmRSS in MB of the vmx whose command line names a .vmx ending in
    path, or None."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                argv = f.read().split(b"\0")
            if not any(a.endswith(b"/" + path.encode()) for a in argv):
                continue
            with open("/proc/%s/status" % pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024.0
        except OSError:
            continue
    return None


si = connect(PORT, "root", "")
vm = si.content.searchIndex.FindByInventoryPath("ha-datacenter/vm/vm1")
check("vm1 found", vm is not None)
host_mhz = si.content.rootFolder.childEntity[0].hostFolder.childEntity[0] \
    .host[0].summary.hardware.cpuMhz

qs = vm.summary.quickStats
check("powered off: zeros, gray heartbeat", zeros(qs), qs)

check("PowerOnVM_Task", WaitForTask(vm.PowerOnVM_Task()) == "success")
# uptimeSeconds counts whole seconds since power-on.
time.sleep(2.2)
qs = vm.summary.quickStats
print(qs)
check("powered on: uptimeSeconds > 0", 1 <= qs.uptimeSeconds <= 60,
      qs.uptimeSeconds)
check("powered on: hostMemoryUsage > 0", qs.hostMemoryUsage > 0)
# The vmx's own RSS, read here, within a few MB of what hostd saw.
rss = vmx_rss_mb(vm.summary.config.vmPathName.split("] ", 1)[-1])
# RSS moves between hostd's sample and ours (much more in sanitizer
# builds, which return memory in bursts): the same size, within 2x.
check("hostMemoryUsage is the vmx's RSS", rss is not None and
      abs(qs.hostMemoryUsage - rss) <= 4 + rss, (qs.hostMemoryUsage,
                                                   rss))
check("guestMemoryUsage within the guest's 64 MB",
      0 < qs.guestMemoryUsage <= 64, qs.guestMemoryUsage)
# Booting the guest costs vmx CPU; the figure is bounded by one host
# CPU (one vCPU plus vmx's own threads: allow two).
check("overallCpuUsage in MHz, > 0 and within two host CPUs",
      0 < qs.overallCpuUsage <= 2 * host_mhz, (qs.overallCpuUsage,
                                               host_mhz))
check("overallCpuDemand reported", qs.overallCpuDemand ==
      qs.overallCpuUsage or qs.overallCpuDemand > 0)
check("guestHeartbeatStatus gray without tools",
      qs.guestHeartbeatStatus == "gray")
# A later read after the rate window still gives a sane figure.
time.sleep(0.7)
qs2 = vm.summary.quickStats
check("uptime does not go backwards", qs2.uptimeSeconds >= qs.uptimeSeconds)
check("a second sample stays within two host CPUs",
      0 <= qs2.overallCpuUsage <= 2 * host_mhz, qs2.overallCpuUsage)

check("PowerOffVM_Task", WaitForTask(vm.PowerOffVM_Task()) == "success")
qs = vm.summary.quickStats
check("powered off again: zeros", zeros(qs), qs)
summary()
