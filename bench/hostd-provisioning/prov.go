// SPDX-License-Identifier: ISC
//
// The client of bench/hostd-provisioning.sh, run against hostd and vcsim
// alike (govmomi 0.24, one login, HTTPS keep-alive):
//
//	-mode create: -n Folder.CreateVM_Task calls one after the other, each
//	  a VM with one thin 1 MiB disk on a new SCSI controller and one
//	  e1000 NIC on "VM Network", timed from the call to the task's end;
//	  prints "create p50 MS p99 MS"; the VMs are destroyed afterwards
//	  (not timed).
//	-mode power: creates -vms VMs running the test guest (-guest, through
//	  extraConfig; vcsim ignores it), then powers them all on at once
//	  (one goroutine a PowerOnVM_Task call, one client) and times until
//	  every VM reads poweredOn (one collector polls them all every 20 ms:
//	  a task.Wait each would make a property collector each, more than a
//	  session may hold); prints "power SECONDS" and, with
//	  -pid, "rss KB" of that process while they all run; then powers
//	  them off and destroys them (not timed).
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
	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/vim25/mo"
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

// waitAll polls (one RetrieveProperties every 20 ms, at most 3 minutes)
// until every VM of refs is in state; how many are.
func waitAll(ctx context.Context, pc *property.Collector,
	refs []types.ManagedObjectReference,
	state types.VirtualMachinePowerState) int {
	t0 := time.Now()
	n := 0
	for time.Since(t0) < 3*time.Minute {
		var mvms []mo.VirtualMachine
		if err := pc.Retrieve(ctx, refs, []string{"runtime.powerState"},
			&mvms); err != nil {
			log.Fatalf("RetrieveProperties: %v", err)
		}
		n = 0
		for _, m := range mvms {
			if m.Runtime.PowerState == state {
				n++
			}
		}
		if n == len(refs) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return n
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
		// The calls at once; then one collector polls every VM's
		// state (a task.Wait each would need a collector each).
		var wg sync.WaitGroup
		var mu sync.Mutex
		var tasks []types.ManagedObjectReference
		var refs []types.ManagedObjectReference
		for _, vm := range vms {
			refs = append(refs, vm.Reference())
		}
		pc := property.DefaultCollector(c.Client)
		t0 := time.Now()
		for _, vm := range vms {
			wg.Add(1)
			go func(vm *object.VirtualMachine) {
				defer wg.Done()
				t, err := vm.PowerOn(ctx)
				if err != nil {
					log.Printf("PowerOnVM_Task: %v", err)
					return
				}
				mu.Lock()
				tasks = append(tasks, t.Reference())
				mu.Unlock()
			}(vm)
		}
		wg.Wait()
		on := waitAll(ctx, pc, refs,
			types.VirtualMachinePowerStatePoweredOn)
		total := time.Since(t0).Seconds()
		var mtasks []mo.Task
		if len(tasks) > 0 {
			pc.Retrieve(ctx, tasks, []string{"info.state"}, &mtasks)
		}
		for _, t := range mtasks {
			if t.Info.State == types.TaskInfoStateError {
				log.Printf("PowerOnVM_Task ended in error")
			}
		}
		fmt.Printf("power %.3f on %d of %d\n", total, on, len(vms))
		if *pid != 0 {
			fmt.Printf("rss %s\n", rss(*pid))
		}
		for _, vm := range vms {
			wg.Add(1)
			go func(vm *object.VirtualMachine) {
				defer wg.Done()
				vm.PowerOff(ctx)
			}(vm)
		}
		wg.Wait()
		waitAll(ctx, pc, refs, types.VirtualMachinePowerStatePoweredOff)
		destroy(ctx, vms)
	default:
		log.Fatalf("unknown mode %s", *mode)
	}
	c.Logout(ctx)
}
