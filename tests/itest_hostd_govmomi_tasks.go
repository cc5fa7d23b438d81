// SPDX-License-Identifier: ISC
//
// govmomi 0.24 waiting on many tasks at once (run by
// itest_hostd_govmomi_tasks.sh on an empty inventory).  govmomi's
// task.Wait makes a PropertyCollector, waits with WaitForUpdatesEx and
// destroys it, so 100 concurrent waits in one session hold 100
// collectors: 100 CreateVM_Task, then 100 PowerOnVM_Task of the test
// guest's `test=hello` (which powers off in milliseconds, often before
// hostd's link to vmx is up), all waited on concurrently.  Every wait
// must return, every task succeed, and every VM end poweredOff with a
// VmPoweredOnEvent and a VmPoweredOffEvent.
//
// Usage: govtasks HOST:PORT GUEST-ELF N.  Prints one ok/FAIL line a
// check; exit 0 when all pass, 1 otherwise.
package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/event"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/vim25/mo"
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

// waitAll runs f(i) for i < n at once and returns the errors, or
// fails when some wait has not returned within limit.
func waitAll(what string, n int, limit time.Duration,
	f func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs[i] = f(i)
		}(i)
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(limit):
		fatal("%s: not every wait returned within %v", what, limit)
	}
	return errs
}

func main() {
	if len(os.Args) != 4 {
		fatal("usage: govtasks HOST:PORT GUEST-ELF N")
	}
	hostport, guest := os.Args[1], os.Args[2]
	n, err := strconv.Atoi(os.Args[3])
	if err != nil || n < 1 {
		fatal("bad N %q", os.Args[3])
	}
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

	// ---- n CreateVM_Task waited on at once ----------------------------
	vms := make([]*object.VirtualMachine, n)
	errs := waitAll("CreateVM_Task", n, 90*time.Second,
		func(i int) error {
			spec := types.VirtualMachineConfigSpec{
				Name:    fmt.Sprintf("t%03d", i),
				GuestId: "otherLinux64Guest", MemoryMB: 16,
				NumCPUs: 1, Files: &types.VirtualMachineFileInfo{
					VmPathName: "[datastore1]"},
				ExtraConfig: []types.BaseOptionValue{
					&types.OptionValue{Key: "vireo.kernel",
						Value: guest},
					&types.OptionValue{Key: "vireo.cmdline",
						Value: "test=hello"},
					&types.OptionValue{
						Key:   "vireo.debugExit",
						Value: "TRUE"},
				},
			}
			t, err := folders.VmFolder.CreateVM(ctx, spec, pool, nil)
			if err != nil {
				return err
			}
			info, err := t.WaitForResult(ctx, nil)
			if err != nil {
				return err
			}
			ref, ok := info.Result.(types.ManagedObjectReference)
			if !ok {
				return fmt.Errorf("result %#v", info.Result)
			}
			vms[i] = object.NewVirtualMachine(c.Client, ref)
			return nil
		})
	bad := 0
	var first error
	for _, e := range errs {
		if e != nil {
			bad++
			if first == nil {
				first = e
			}
		}
	}
	check(fmt.Sprintf("%d concurrent CreateVM_Task waits succeed", n),
		bad == 0, "%d failed, first: %v", bad, first)
	if bad != 0 {
		os.Exit(1)
	}

	// ---- n PowerOnVM_Task of test=hello waited on at once -------------
	errs = waitAll("PowerOnVM_Task", n, 90*time.Second,
		func(i int) error {
			t, err := vms[i].PowerOn(ctx)
			if err != nil {
				return err
			}
			return t.Wait(ctx)
		})
	bad, first = 0, nil
	for _, e := range errs {
		if e != nil {
			bad++
			if first == nil {
				first = e
			}
		}
	}
	check(fmt.Sprintf("%d concurrent PowerOnVM_Task (test=hello) "+
		"succeed", n), bad == 0, "%d failed, first: %v", bad, first)

	// Every hello guest ends by itself: poweredOff soon after.
	deadline := time.Now().Add(30 * time.Second)
	on := n
	for time.Now().Before(deadline) {
		on = 0
		for _, vm := range vms {
			var m mo.VirtualMachine
			if err := vm.Properties(ctx, vm.Reference(),
				[]string{"runtime.powerState"}, &m); err != nil ||
				m.Runtime.PowerState !=
					types.VirtualMachinePowerStatePoweredOff {
				on++
			}
		}
		if on == 0 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	check("every hello VM ends poweredOff", on == 0, "%d not off", on)

	// The events: on, then off, for every VM.
	em := event.NewManager(c.Client)
	missing := 0
	for _, vm := range vms {
		evs, err := em.QueryEvents(ctx, types.EventFilterSpec{
			Entity: &types.EventFilterSpecByEntity{
				Entity:    vm.Reference(),
				Recursion: types.EventFilterSpecRecursionOptionSelf}})
		if err != nil {
			fatal("QueryEvents: %v", err)
		}
		var seenOn, seenOff bool
		for _, e := range evs {
			switch e.(type) {
			case *types.VmPoweredOnEvent:
				seenOn = true
			case *types.VmPoweredOffEvent:
				seenOff = true
			}
		}
		if !seenOn || !seenOff {
			missing++
		}
	}
	check("every VM has VmPoweredOnEvent and VmPoweredOffEvent",
		missing == 0, "%d without both", missing)
	if failures != 0 {
		os.Exit(1)
	}
}
