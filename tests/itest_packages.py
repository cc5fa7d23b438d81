# SPDX-License-Identifier: ISC
"""hostd started from the files the vireo-host package installed: pyVmomi
logs in as root with the blank first-install password and reads what a
fresh host answers.  Usage: itest_packages.py PORT"""

import sys

import vireo_test
from vireo_test import check


def main():
    si = vireo_test.connect(int(sys.argv[1]), "root", "")
    about = si.content.about
    check("about.apiType is HostAgent", about.apiType == "HostAgent",
          about.apiType)
    check("about.productLineId is embeddedEsx",
          about.productLineId == "embeddedEsx", about.productLineId)
    check("CurrentTime answers", si.CurrentTime() is not None)
    dc = si.content.rootFolder.childEntity[0]
    check("the datacenter is ha-datacenter", dc._moId == "ha-datacenter",
          dc._moId)
    host = dc.hostFolder.childEntity[0].host[0]
    check("the host has CPUs", host.hardware.cpuInfo.numCpuThreads > 0)
    check("the datastore from the package's directories is there",
          [d.name for d in dc.datastore] == ["datastore1"],
          repr([d.name for d in dc.datastore]))
    return vireo_test.summary()


if __name__ == "__main__":
    sys.exit(main())
