// SPDX-License-Identifier: ISC
//
// govmomi 0.24 provisioning VMs on hostd (run by
// itest_hostd_govmomi_provision.sh on an empty inventory): Folder.CreateVM
// with an AHCI controller and a disk, an NVMe controller and a disk, and
// an e1000e NIC built with object.VirtualDeviceList; the .vmx and the
// VMDKs on disk; the device list read back through VirtualMachine.Device;
// Reconfigure (memory), AddDevice (a disk on SATA), EditDevice (a larger
// disk, and a smaller one refused), RemoveDevice (the NIC; a disk with its
// file); the created VM powered on with the test guest (extraConfig) and
// off; InvalidPowerState for a reconfigure while on; Rename (and
// DuplicateName); Unregister and RegisterVM; Destroy; the faults
// DuplicateName, InvalidDatastorePath and NoPermission for a ReadOnly user.
//
// Usage: govprov HOST:PORT DATASTORE-DIR GUEST-ELF RO-PASSWORD.  Prints
// one ok/FAIL line a check; exit 0 when all pass, 1 otherwise.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io/ioutil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

var failures int

func check(what string, cond bool, format string, a ...interface{}) {
	if cond {
		fmt.Printf("ok: %s\n", what)
		return
	}
	failures++
	fmt.Printf("FAIL: %s: %s\n", what, fmt.Sprintf(format, a...))
}

func fatal(format string, a ...interface{}) {
	fmt.Printf("FAIL: "+format+"\n", a...)
	os.Exit(1)
}

// fault is the vim25 fault of err (a SOAP fault or a task error), or nil.
func fault(err error) interface{} {
	if err == nil {
		return nil
	}
	if soap.IsSoapFault(err) {
		return soap.ToSoapFault(err).VimFault()
	}
	if soap.IsVimFault(err) {
		v := reflect.ValueOf(soap.ToVimFault(err))
		if v.Kind() == reflect.Ptr && !v.IsNil() {
			return v.Elem().Interface()
		}
	}
	if te, ok := err.(interface{ Fault() types.BaseMethodFault }); ok {
		v := reflect.ValueOf(te.Fault())
		if v.Kind() == reflect.Ptr && !v.IsNil() {
			return v.Elem().Interface()
		}
	}
	return nil
}

func isFault(err error, want interface{}) bool {
	f := fault(err)
	return f != nil && reflect.TypeOf(f) == reflect.TypeOf(want)
}

func vmxKeys(path string) map[string]string {
	keys := map[string]string{}
	b, err := ioutil.ReadFile(path)
	if err != nil {
		return keys
	}
	re := regexp.MustCompile(`^\s*([^=\s]+)\s*=\s*"(.*)"\s*$`)
	for _, line := range strings.Split(string(b), "\n") {
		if m := re.FindStringSubmatch(line); m != nil {
			keys[strings.ToLower(m[1])] = m[2]
		}
	}
	return keys
}

// qemuSize is the format and virtual size qemu-img reports for path.
func qemuSize(path string) (string, int64) {
	out, err := exec.Command("qemu-img", "info", "--output=json",
		path).Output()
	if err != nil {
		return "error: " + err.Error(), 0
	}
	var info struct {
		Format string `json:"format"`
		Size   int64  `json:"virtual-size"`
	}
	if json.Unmarshal(out, &info) != nil {
		return "bad json", 0
	}
	return info.Format, info.Size
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func main() {
	if len(os.Args) != 5 {
		fatal("usage: govprov HOST:PORT DATASTORE-DIR GUEST-ELF RO-PASS")
	}
	hostport, dsdir, guest, ropass := os.Args[1], os.Args[2], os.Args[3],
		os.Args[4]
	ctx := context.Background()
	u := &url.URL{Scheme: "https", Host: hostport, Path: "/sdk",
		User: url.UserPassword("root", "")}
	c, err := govmomi.NewClient(ctx, u, true)
	if err != nil {
		fatal("login: %v", err)
	}
	finder := find.NewFinder(c.Client, true)
	dc, err := finder.DefaultDatacenter(ctx)
	if err != nil {
		fatal("datacenter: %v", err)
	}
	finder.SetDatacenter(dc)
	folders, err := dc.Folders(ctx)
	if err != nil {
		fatal("folders: %v", err)
	}
	pool, err := finder.DefaultResourcePool(ctx)
	if err != nil {
		fatal("pool: %v", err)
	}
	ds, err := finder.Datastore(ctx, "datastore1")
	if err != nil {
		fatal("datastore: %v", err)
	}
	netref, err := finder.Network(ctx, "VM Network")
	if err != nil {
		fatal("network: %v", err)
	}
	backing, err := netref.EthernetCardBackingInfo(ctx)
	if err != nil {
		fatal("backing: %v", err)
	}

	// ---- CreateVM: SATA and NVMe disks, an e1000e NIC -----------------
	var devs object.VirtualDeviceList
	sata := &types.VirtualAHCIController{VirtualSATAController: types.
		VirtualSATAController{VirtualController: types.VirtualController{
		VirtualDevice: types.VirtualDevice{Key: devs.NewKey()}}}}
	devs = append(devs, sata)
	nvme := &types.VirtualNVMEController{VirtualController: types.
		VirtualController{VirtualDevice: types.VirtualDevice{
		Key: devs.NewKey()}}}
	devs = append(devs, nvme)
	d1 := devs.CreateDisk(sata, ds.Reference(), "")
	d1.CapacityInKB = 8192
	devs = append(devs, d1)
	d2 := devs.CreateDisk(nvme, ds.Reference(), "")
	d2.CapacityInKB = 4096
	devs = append(devs, d2)
	nic, err := devs.CreateEthernetCard("e1000e", backing)
	if err != nil {
		fatal("CreateEthernetCard: %v", err)
	}
	devs = append(devs, nic)
	changes, err := devs.ConfigSpec(types.VirtualDeviceConfigSpecOperationAdd)
	if err != nil {
		fatal("ConfigSpec: %v", err)
	}
	for _, ch := range changes {
		s := ch.GetVirtualDeviceConfigSpec()
		if _, ok := s.Device.(*types.VirtualDisk); ok {
			s.FileOperation = types.VirtualDeviceConfigSpecFileOperationCreate
		}
	}
	spec := types.VirtualMachineConfigSpec{
		Name: "gov1", GuestId: "otherLinux64Guest", MemoryMB: 64,
		NumCPUs: 1, Files: &types.VirtualMachineFileInfo{
			VmPathName: "[datastore1]"},
		ExtraConfig: []types.BaseOptionValue{
			&types.OptionValue{Key: "vireo.kernel", Value: guest},
			&types.OptionValue{Key: "vireo.cmdline",
				Value: "test=counter hz=4"},
			&types.OptionValue{Key: "vireo.debugExit", Value: "TRUE"},
		},
		DeviceChange: changes,
	}
	task, err := folders.VmFolder.CreateVM(ctx, spec, pool, nil)
	if err != nil {
		fatal("CreateVM: %v", err)
	}
	info, err := task.WaitForResult(ctx, nil)
	if err != nil {
		fatal("CreateVM task: %v", err)
	}
	ref, ok := info.Result.(types.ManagedObjectReference)
	check("CreateVM's result is a VirtualMachine", ok &&
		ref.Type == "VirtualMachine", "%#v", info.Result)
	vm := object.NewVirtualMachine(c.Client, ref)
	k := vmxKeys(filepath.Join(dsdir, "gov1", "gov1.vmx"))
	for key, want := range map[string]string{
		"displayname": "gov1", "guestos": "otherlinux-64",
		"memsize": "64", "sata0.present": "TRUE",
		"sata0:0.filename": "gov1.vmdk", "nvme0.present": "TRUE",
		"nvme0:0.filename":      "gov1_1.vmdk",
		"ethernet0.virtualdev":  "e1000e",
		"ethernet0.networkname": "VM Network"} {
		check(".vmx "+key, k[key] == want, "got %q", k[key])
	}
	f, size := qemuSize(filepath.Join(dsdir, "gov1", "gov1.vmdk"))
	check("qemu-img: the SATA disk is an 8 MiB vmdk", f == "vmdk" &&
		size == 8<<20, "%s %d", f, size)
	f, size = qemuSize(filepath.Join(dsdir, "gov1", "gov1_1.vmdk"))
	check("qemu-img: the NVMe disk is a 4 MiB vmdk", f == "vmdk" &&
		size == 4<<20, "%s %d", f, size)

	list, err := vm.Device(ctx)
	if err != nil {
		fatal("Device: %v", err)
	}
	disks := list.SelectByType((*types.VirtualDisk)(nil))
	check("two disks", len(disks) == 2, "%d", len(disks))
	sd, _ := list.FindByKey(16000).(*types.VirtualDisk)
	check("SATA disk 16000 on controller 15000", sd != nil &&
		sd.ControllerKey == 15000 && sd.CapacityInKB == 8192,
		"%+v", sd)
	nd, _ := list.FindByKey(32000).(*types.VirtualDisk)
	check("NVMe disk 32000 on controller 31000", nd != nil &&
		nd.ControllerKey == 31000 && nd.CapacityInKB == 4096,
		"%+v", nd)
	_, isAHCI := list.FindByKey(15000).(*types.VirtualAHCIController)
	_, isNVMe := list.FindByKey(31000).(*types.VirtualNVMEController)
	check("the controllers' types", isAHCI && isNVMe, "%v %v", isAHCI,
		isNVMe)
	e, _ := list.FindByKey(4000).(*types.VirtualE1000e)
	check("e1000e 4000 with a generated MAC", e != nil &&
		strings.HasPrefix(e.MacAddress, "00:0c:29:"), "%+v", e)
	check("device names as govc shows them", list.Name(sd) ==
		"disk-15000-0" && list.Name(e) == "ethernet-0", "%s %s",
		list.Name(sd), list.Name(e))
	var mvm mo.VirtualMachine
	err = vm.Properties(ctx, vm.Reference(), []string{"network",
		"config.extraConfig", "layoutEx", "summary"}, &mvm)
	check("properties read", err == nil, "%v", err)
	check("network is VM Network", len(mvm.Network) == 1 &&
		mvm.Network[0] == netref.Reference(), "%v", mvm.Network)
	xc := map[string]string{}
	if mvm.Config != nil {
		for _, o := range mvm.Config.ExtraConfig {
			ov := o.GetOptionValue()
			xc[ov.Key], _ = ov.Value.(string)
		}
	}
	check("extraConfig", xc["vireo.kernel"] == guest, "%v", xc)
	check("layoutEx lists two disks", mvm.LayoutEx != nil &&
		len(mvm.LayoutEx.Disk) == 2, "%+v", mvm.LayoutEx)

	// ---- CreateVM faults ----------------------------------------------
	task, err = folders.VmFolder.CreateVM(ctx, types.VirtualMachineConfigSpec{
		Name: "gov1", Files: &types.VirtualMachineFileInfo{
			VmPathName: "[datastore1]"}}, pool, nil)
	if err == nil {
		err = task.Wait(ctx)
	}
	check("a duplicate name is DuplicateName",
		isFault(err, types.DuplicateName{}), "%v", err)
	task, err = folders.VmFolder.CreateVM(ctx, types.VirtualMachineConfigSpec{
		Name: "bad", Files: &types.VirtualMachineFileInfo{
			VmPathName: "[nosuch] bad"}}, pool, nil)
	if err == nil {
		err = task.Wait(ctx)
	}
	check("an unknown datastore is InvalidDatastorePath",
		isFault(err, types.InvalidDatastorePath{}), "%v", err)

	// ---- Reconfigure -----------------------------------------------------
	task, err = vm.Reconfigure(ctx, types.VirtualMachineConfigSpec{
		MemoryMB: 96, Annotation: "by govmomi"})
	if err == nil {
		err = task.Wait(ctx)
	}
	check("Reconfigure memory and annotation", err == nil, "%v", err)
	k = vmxKeys(filepath.Join(dsdir, "gov1", "gov1.vmx"))
	check(".vmx memsize 96", k["memsize"] == "96" &&
		k["annotation"] == "by govmomi", "%v", k["memsize"])
	list, _ = vm.Device(ctx)
	ctl, _ := list.FindByKey(15000).(types.BaseVirtualController)
	d3 := list.CreateDisk(ctl, ds.Reference(), "")
	d3.CapacityInKB = 2048
	err = vm.AddDevice(ctx, d3)
	check("AddDevice: a new disk on SATA", err == nil, "%v", err)
	list, _ = vm.Device(ctx)
	check("it is 16001", list.FindByKey(16001) != nil, "%v",
		list.SelectByType((*types.VirtualDisk)(nil)))
	grow := list.FindByKey(16000).(*types.VirtualDisk)
	grow.CapacityInKB = 16384
	grow.CapacityInBytes = 0
	err = vm.EditDevice(ctx, grow)
	check("EditDevice grows the disk", err == nil, "%v", err)
	_, size = qemuSize(filepath.Join(dsdir, "gov1", "gov1.vmdk"))
	check("qemu-img: 16 MiB", size == 16<<20, "%d", size)
	list, _ = vm.Device(ctx)
	shrink := list.FindByKey(16000).(*types.VirtualDisk)
	shrink.CapacityInKB = 1024
	shrink.CapacityInBytes = 0
	err = vm.EditDevice(ctx, shrink)
	check("a smaller disk is InvalidDeviceSpec",
		isFault(err, types.InvalidDeviceSpec{}), "%v", err)
	list, _ = vm.Device(ctx)
	err = vm.RemoveDevice(ctx, false, list.FindByKey(16001))
	check("RemoveDevice deletes the disk's file", err == nil &&
		!exists(filepath.Join(dsdir, "gov1", "gov1_2.vmdk")), "%v", err)
	err = vm.RemoveDevice(ctx, true, list.FindByKey(4000))
	check("RemoveDevice: the NIC", err == nil, "%v", err)
	list, _ = vm.Device(ctx)
	check("no NIC is left", len(list.SelectByType(
		(*types.VirtualEthernetCard)(nil))) == 0, "%v", list)

	// ---- power -----------------------------------------------------------
	task, err = vm.PowerOn(ctx)
	if err == nil {
		err = task.Wait(ctx)
	}
	check("the created VM powers on with the test guest", err == nil,
		"%v", err)
	st, _ := vm.PowerState(ctx)
	check("poweredOn", st == types.VirtualMachinePowerStatePoweredOn,
		"%s", st)
	task, err = vm.Reconfigure(ctx, types.VirtualMachineConfigSpec{
		NumCPUs: 2})
	if err == nil {
		err = task.Wait(ctx)
	}
	check("numCPUs while on is InvalidPowerState",
		isFault(err, types.InvalidPowerState{}), "%v", err)
	time.Sleep(500 * time.Millisecond)
	task, err = vm.PowerOff(ctx)
	if err == nil {
		err = task.Wait(ctx)
	}
	st, _ = vm.PowerState(ctx)
	check("and powers off", err == nil &&
		st == types.VirtualMachinePowerStatePoweredOff, "%v %s", err, st)
	serial, _ := ioutil.ReadFile(filepath.Join(dsdir, "gov1", "vmware.log"))
	check("vmx ran it (vmware.log)", len(serial) > 0, "empty log")

	// ---- ReadOnly user ---------------------------------------------------
	ru := &url.URL{Scheme: "https", Host: hostport, Path: "/sdk",
		User: url.UserPassword("ro", ropass)}
	rc, err := govmomi.NewClient(ctx, ru, true)
	if err != nil {
		fatal("ro login: %v", err)
	}
	rfolder := object.NewFolder(rc.Client, folders.VmFolder.Reference())
	rpool := object.NewResourcePool(rc.Client, pool.Reference())
	_, err = rfolder.CreateVM(ctx, types.VirtualMachineConfigSpec{
		Name: "ro", Files: &types.VirtualMachineFileInfo{
			VmPathName: "[datastore1]"}}, rpool, nil)
	check("ReadOnly CreateVM is NoPermission",
		isFault(err, types.NoPermission{}), "%v", err)
	rvm := object.NewVirtualMachine(rc.Client, vm.Reference())
	_, err = rvm.Reconfigure(ctx, types.VirtualMachineConfigSpec{
		MemoryMB: 32})
	check("ReadOnly Reconfigure is NoPermission",
		isFault(err, types.NoPermission{}), "%v", err)
	_, err = rvm.Destroy(ctx)
	check("ReadOnly Destroy is NoPermission",
		isFault(err, types.NoPermission{}), "%v", err)
	rc.Logout(ctx)

	// ---- rename, unregister, register, destroy ---------------------------
	task, err = folders.VmFolder.CreateVM(ctx, types.VirtualMachineConfigSpec{
		Name: "gov2", Files: &types.VirtualMachineFileInfo{
			VmPathName: "[datastore1]"}}, pool, nil)
	if err == nil {
		err = task.Wait(ctx)
	}
	check("a second VM", err == nil, "%v", err)
	task, err = vm.Rename(ctx, "gov2")
	if err == nil {
		err = task.Wait(ctx)
	}
	check("Rename to a used name is DuplicateName",
		isFault(err, types.DuplicateName{}), "%v", err)
	task, err = vm.Rename(ctx, "gov1-renamed")
	if err == nil {
		err = task.Wait(ctx)
	}
	name, _ := vm.ObjectName(ctx)
	check("Rename", err == nil && name == "gov1-renamed", "%v %s", err,
		name)
	err = vm.Unregister(ctx)
	check("Unregister", err == nil &&
		exists(filepath.Join(dsdir, "gov1", "gov1.vmx")), "%v", err)
	task, err = folders.VmFolder.RegisterVM(ctx, "[datastore1] gov1/gov1.vmx",
		"gov1-again", false, pool, nil)
	if err != nil {
		fatal("RegisterVM: %v", err)
	}
	info, err = task.WaitForResult(ctx, nil)
	check("RegisterVM", err == nil, "%v", err)
	if err != nil {
		os.Exit(1)
	}
	vm = object.NewVirtualMachine(c.Client,
		info.Result.(types.ManagedObjectReference))
	name, _ = vm.ObjectName(ctx)
	check("registered under the given name", name == "gov1-again", "%s",
		name)
	found, err := finder.VirtualMachine(ctx, "gov1-again")
	check("find.Finder finds it", err == nil && found.Reference() ==
		vm.Reference(), "%v", err)
	task, err = vm.Destroy(ctx)
	if err == nil {
		err = task.Wait(ctx)
	}
	check("Destroy removes the VM's directory", err == nil &&
		!exists(filepath.Join(dsdir, "gov1")), "%v", err)
	other, err := finder.VirtualMachine(ctx, "gov2")
	if err == nil {
		task, err = other.Destroy(ctx)
		if err == nil {
			err = task.Wait(ctx)
		}
	}
	check("Destroy the second VM", err == nil &&
		!exists(filepath.Join(dsdir, "gov2")), "%v", err)
	vms, _ := finder.VirtualMachineList(ctx, "*")
	check("no VM is left", len(vms) == 0, "%v", vms)
	c.Logout(ctx)
	if failures > 0 {
		fmt.Printf("%d failure(s)\n", failures)
		os.Exit(1)
	}
	fmt.Println("0 failure(s)")
}
