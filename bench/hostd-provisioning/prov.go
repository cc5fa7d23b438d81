// SPDX-License-Identifier: ISC
//
// The client of bench/hostd-provisioning.sh, run against hostd and vcsim
// alike (govmomi 0.24, one login, HTTPS keep-alive):
//   -mode create: -n Folder.CreateVM_Task calls one after the other, each
//     a VM with one thin 1 MiB disk on a new SCSI controller and one
//     e1000 NIC on "VM Network", timed from the call to the task's end;
//     prints "create p50 MS p99 MS"; the VMs are destroyed afterwards
//     (not timed).
//   -mode power: creates -vms VMs running the test guest (-guest, through
//     extraConfig; vcsim ignores it), then powers them all on at once
//     (one goroutine a VM, one client) and times until every task has
//     ended and every VM reads poweredOn; prints "power SECONDS" and, with
//     -pid, "rss KB" of that process while they all run; then powers
//     them off and destroys them (not timed).
//
// Build: GOPATH=/usr/share/gocode GO111MODULE=off go build -o prov prov.go
package main

import (
	"context"
	"flag"
	"fmt"
	"io/ioutil"
	"log"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/vim25/types"
)

type env struct {
	c      *govmomi.Client
	folder *object.Folder
	pool   *object.ResourcePool
	dsname string
	dsref  types.ManagedObjectReference
}

func spec(e *env, name, guest string, withDevices bool) types.VirtualMachineConfigSpec {
	s := types.VirtualMachineConfigSpec{
		Name: name, GuestId: "otherGuest64", MemoryMB: 32, NumCPUs: 1,
		Files: &types.VirtualMachineFileInfo{
			VmPathName: "[" + e.dsname + "]"},
	}
	if guest != "" {
		s.ExtraConfig = []types.BaseOptionValue{
			&types.OptionValue{Key: "vireo.kernel", Value: guest},
			&types.OptionValue{Key: "vireo.cmdline",
				Value: "test=counter hz=1"},
		}
	}
	if !withDevices {
		return s
	}
	var l object.VirtualDeviceList
	ctl, _ := l.CreateSCSIController("lsilogic")
	l = append(l, ctl)
	disk := l.CreateDisk(ctl.(types.BaseVirtualController), e.dsref, "")
	disk.CapacityInKB = 1024
	l = append(l, disk)
	nic, _ := l.CreateEthernetCard("e1000", &types.
		VirtualEthernetCardNetworkBackingInfo{VirtualDeviceDeviceBackingInfo: types.
		VirtualDeviceDeviceBackingInfo{DeviceName: "VM Network"}})
	l = append(l, nic)
	changes, _ := l.ConfigSpec(types.VirtualDeviceConfigSpecOperationAdd)
	for _, ch := range changes {
		cs := ch.GetVirtualDeviceConfigSpec()
		if _, ok := cs.Device.(*types.VirtualDisk); ok {
			cs.FileOperation = types.VirtualDeviceConfigSpecFileOperationCreate
		}
	}
	s.DeviceChange = changes
	return s
}

func create(ctx context.Context, e *env, s types.VirtualMachineConfigSpec) (*object.VirtualMachine, error) {
	task, err := e.folder.CreateVM(ctx, s, e.pool, nil)
	if err != nil {
		return nil, err
	}
	info, err := task.WaitForResult(ctx, nil)
	if err != nil {
		return nil, err
	}
	return object.NewVirtualMachine(e.c.Client,
		info.Result.(types.ManagedObjectReference)), nil
}

func destroy(ctx context.Context, vms []*object.VirtualMachine) {
	for _, vm := range vms {
		if t, err := vm.Destroy(ctx); err == nil {
			t.Wait(ctx)
		}
	}
}

func pct(d []float64, p float64) float64 {
	sort.Float64s(d)
	i := int(p*float64(len(d))+0.5) - 1
	if i < 0 {
		i = 0
	}
	if i >= len(d) {
		i = len(d) - 1
	}
	return d[i]
}

func rss(pid int) string {
	b, err := ioutil.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "-"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			return strings.Fields(l)[1]
		}
	}
	return "-"
}

func main() {
	u := flag.String("url", "", "https://user:pass@host:port/sdk")
	mode := flag.String("mode", "create", "create or power")
	n := flag.Int("n", 50, "create: CreateVM_Task calls")
	nvms := flag.Int("vms", 100, "power: VMs")
	guest := flag.String("guest", "", "power: the test guest")
	pid := flag.Int("pid", 0, "power: server pid for its RSS")
	prefix := flag.String("prefix", "b", "VM name prefix")
	flag.Parse()

	ctx := context.Background()
	pu, err := url.Parse(*u)
	if err != nil {
		log.Fatal(err)
	}
	c, err := govmomi.NewClient(ctx, pu, true)
	if err != nil {
		log.Fatal(err)
	}
	f := find.NewFinder(c.Client, true)
	dc, err := f.DefaultDatacenter(ctx)
	if err != nil {
		log.Fatal(err)
	}
	f.SetDatacenter(dc)
	folders, _ := dc.Folders(ctx)
	pool, err := f.DefaultResourcePool(ctx)
	if err != nil {
		log.Fatal(err)
	}
	ds, err := f.DefaultDatastore(ctx)
	if err != nil {
		log.Fatal(err)
	}
	e := &env{c: c, folder: folders.VmFolder, pool: pool,
		dsname: ds.Name(), dsref: ds.Reference()}

	switch *mode {
	case "create":
		var ms []float64
		var vms []*object.VirtualMachine
		for i := 0; i < *n; i++ {
			s := spec(e, fmt.Sprintf("%s%04d", *prefix, i), "", true)
			t0 := time.Now()
			vm, err := create(ctx, e, s)
			if err != nil {
				log.Fatalf("CreateVM_Task: %v", err)
			}
			ms = append(ms, float64(time.Since(t0).Microseconds())/
				1000)
			vms = append(vms, vm)
		}
		fmt.Printf("create p50 %.3f p99 %.3f\n", pct(ms, 0.5),
			pct(ms, 0.99))
		destroy(ctx, vms)
	case "power":
		var vms []*object.VirtualMachine
		for i := 0; i < *nvms; i++ {
			vm, err := create(ctx, e, spec(e, fmt.Sprintf("%s%04d",
				*prefix, i), *guest, false))
			if err != nil {
				log.Fatalf("CreateVM_Task: %v", err)
			}
			vms = append(vms, vm)
		}
		var wg sync.WaitGroup
		errs := make(chan error, len(vms))
		t0 := time.Now()
		for _, vm := range vms {
			wg.Add(1)
			go func(vm *object.VirtualMachine) {
				defer wg.Done()
				t, err := vm.PowerOn(ctx)
				if err == nil {
					err = t.Wait(ctx)
				}
				if err != nil {
					errs <- err
				}
			}(vm)
		}
		wg.Wait()
		on := 0
		for _, vm := range vms {
			if st, err := vm.PowerState(ctx); err == nil &&
				st == types.VirtualMachinePowerStatePoweredOn {
				on++
			}
		}
		total := time.Since(t0).Seconds()
		close(errs)
		for err := range errs {
			log.Printf("PowerOn: %v", err)
		}
		fmt.Printf("power %.3f on %d of %d\n", total, on, len(vms))
		if *pid != 0 {
			fmt.Printf("rss %s\n", rss(*pid))
		}
		for _, vm := range vms {
			wg.Add(1)
			go func(vm *object.VirtualMachine) {
				defer wg.Done()
				if t, err := vm.PowerOff(ctx); err == nil {
					t.Wait(ctx)
				}
			}(vm)
		}
		wg.Wait()
		destroy(ctx, vms)
	default:
		log.Fatalf("unknown mode %s", *mode)
	}
	c.Logout(ctx)
}
