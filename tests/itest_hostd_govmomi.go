// SPDX-License-Identifier: ISC
//
// govmomi 0.24 against hostd (run by itest_hostd_inventory.sh): log in
// as root with the empty first-boot password, then find.Finder's
// DefaultDatacenter, HostSystemList, DatastoreList and NetworkList, a
// property read through the collector, and a container view retrieve.
//
// Usage: finder HOST:PORT.  Exit 0 pass, 1 fail.
package main

import (
	"context"
	"fmt"
	"net/url"
	"os"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25/mo"
)

func fail(format string, a ...interface{}) {
	fmt.Printf("FAIL: "+format+"\n", a...)
	os.Exit(1)
}

func main() {
	ctx := context.Background()
	u, err := url.Parse("https://root:@" + os.Args[1] + "/sdk")
	if err != nil {
		fail("url: %v", err)
	}
	c, err := govmomi.NewClient(ctx, u, true)
	if err != nil {
		fail("login: %v", err)
	}
	f := find.NewFinder(c.Client, true)
	dc, err := f.DefaultDatacenter(ctx)
	if err != nil {
		fail("DefaultDatacenter: %v", err)
	}
	fmt.Printf("ok: DefaultDatacenter %s\n", dc.InventoryPath)
	f.SetDatacenter(dc)
	hosts, err := f.HostSystemList(ctx, "*")
	if err != nil || len(hosts) != 1 {
		fail("HostSystemList: %v %v", hosts, err)
	}
	fmt.Printf("ok: HostSystemList %s\n", hosts[0].InventoryPath)
	dss, err := f.DatastoreList(ctx, "*")
	if err != nil || len(dss) != 1 {
		fail("DatastoreList: %v %v", dss, err)
	}
	fmt.Printf("ok: DatastoreList %s\n", dss[0].InventoryPath)
	nets, err := f.NetworkList(ctx, "*")
	if err != nil || len(nets) < 1 {
		fail("NetworkList: %v %v", nets, err)
	}
	fmt.Printf("ok: NetworkList %s\n", nets[0].GetInventoryPath())
	pools, err := f.ResourcePoolList(ctx, "*")
	if err != nil || len(pools) != 1 {
		fail("ResourcePoolList: %v %v", pools, err)
	}
	fmt.Printf("ok: ResourcePoolList %s\n", pools[0].InventoryPath)
	var h mo.HostSystem
	if err := hosts[0].Properties(ctx, hosts[0].Reference(),
		[]string{"summary", "hardware"}, &h); err != nil {
		fail("host properties: %v", err)
	}
	if h.Hardware == nil || h.Hardware.MemorySize <= 0 {
		fail("hardware.memorySize")
	}
	fmt.Printf("ok: host %s memory %d cores %d\n", h.Summary.Config.Name,
		h.Hardware.MemorySize, h.Summary.Hardware.NumCpuCores)
	m := view.NewManager(c.Client)
	v, err := m.CreateContainerView(ctx, c.ServiceContent.RootFolder,
		[]string{"HostSystem"}, true)
	if err != nil {
		fail("CreateContainerView: %v", err)
	}
	var hs []mo.HostSystem
	if err := v.Retrieve(ctx, []string{"HostSystem"},
		[]string{"name"}, &hs); err != nil || len(hs) != 1 {
		fail("view Retrieve: %v %v", hs, err)
	}
	fmt.Printf("ok: container view %s\n", hs[0].Name)
	_ = v.Destroy(ctx)
	_ = c.Logout(ctx)
}
