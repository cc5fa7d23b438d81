// SPDX-License-Identifier: ISC
//
// govmomi 0.24 driving a VirtualMachine on hostd (run by
// itest_hostd_govmomi_vm.sh, with "vm1", a counter guest that runs until
// told otherwise, and "vm2", a timer guest that powers itself off):
// login, find.Finder, properties through property.Collector, PowerOn and
// PowerOff with task.Wait, runtime.powerState through property.Wait
// (WaitForUpdatesEx), then every fault a govmomi caller sees, each
// decoded by govmomi's own soap fault decoding into its vim25 type:
// InvalidLogin, NotAuthenticated, NoPermission, ManagedObjectNotFound,
// InvalidArgument, InvalidPowerState (a task error), MethodNotFound,
// InvalidRequest (garbage posted with net/http) and InvalidState.
//
// Usage: govvm HOST:PORT RO-USER RO-PASSWORD.  Prints one ok/FAIL line a
// check; exit 0 when all pass, 1 otherwise.
package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io/ioutil"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"time"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/task"
	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
	"github.com/vmware/govmomi/vim25/xml"
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

// fatal ends the run when later checks cannot make sense.
func fatal(format string, a ...interface{}) {
	failures++
	fmt.Printf("FAIL: "+format+"\n", a...)
	os.Exit(1)
}

func sdkURL(hostport string, user *url.Userinfo) *url.URL {
	return &url.URL{Scheme: "https", Host: hostport, Path: "/sdk",
		User: user}
}

// vimFault is the vim25 fault a call failed with, as govmomi decoded it
// (a SOAP fault's <detail>, or a property's missingSet fault, which
// govmomi returns as a pointer), as a value; or nil with a description
// of what the error was instead.
func vimFault(err error) (interface{}, string) {
	if err == nil {
		return nil, "the call succeeded"
	}
	if soap.IsVimFault(err) {
		// A fault govmomi took from a missingSet (HTTP 200).
		v := reflect.ValueOf(soap.ToVimFault(err))
		if v.Kind() == reflect.Ptr && !v.IsNil() {
			return v.Elem().Interface(), ""
		}
		return nil, fmt.Sprintf("vim fault %T %v", err, err)
	}
	if !soap.IsSoapFault(err) {
		return nil, fmt.Sprintf("not a SOAP fault: %T %v", err, err)
	}
	f := soap.ToSoapFault(err)
	if f.VimFault() == nil {
		return nil, fmt.Sprintf("SOAP fault %q without a decoded "+
			"detail", f.String)
	}
	return f.VimFault(), ""
}

// describe says what a fault value is, for FAIL lines.
func describe(v interface{}, why string) string {
	if v == nil {
		return why
	}
	return fmt.Sprintf("got %s %+v", reflect.TypeOf(v), v)
}

func findVM(ctx context.Context, f *find.Finder,
	name string) *object.VirtualMachine {
	vm, err := f.VirtualMachine(ctx, name)
	if err != nil {
		fatal("find.Finder VirtualMachine %s: %v", name, err)
	}
	fmt.Printf("ok: find.Finder %s is %s (%s)\n", name,
		vm.InventoryPath, vm.Reference())
	return vm
}

// waitPower waits through property.Wait (WaitForUpdatesEx on a fresh
// collector) until runtime.powerState is want; it returns the last state
// seen and whether want was reached in time.
func waitPower(ctx context.Context, c *govmomi.Client,
	vm *object.VirtualMachine, want types.VirtualMachinePowerState,
	timeout time.Duration) (types.VirtualMachinePowerState, error) {
	var seen types.VirtualMachinePowerState

	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	pc := property.DefaultCollector(c.Client)
	err := property.Wait(wctx, pc, vm.Reference(),
		[]string{"runtime.powerState"},
		func(changes []types.PropertyChange) bool {
			for _, ch := range changes {
				if ch.Name != "runtime.powerState" {
					continue
				}
				if s, ok := ch.Val.(types.
					VirtualMachinePowerState); ok {
					seen = s
				}
			}
			return seen == want
		})
	return seen, err
}

// power runs PowerOn or PowerOff and task.Wait, and returns the task.
func power(ctx context.Context, vm *object.VirtualMachine,
	on bool) (*object.Task, error) {
	var t *object.Task
	var err error

	if on {
		t, err = vm.PowerOn(ctx)
	} else {
		t, err = vm.PowerOff(ctx)
	}
	if err != nil {
		return nil, err
	}
	return t, t.Wait(ctx)
}

func lifecycle(ctx context.Context, c *govmomi.Client,
	vm1, vm2 *object.VirtualMachine) *object.Task {
	var mvm mo.VirtualMachine

	pc := property.DefaultCollector(c.Client)
	err := pc.RetrieveOne(ctx, vm1.Reference(), []string{"name",
		"config.hardware", "runtime.powerState"}, &mvm)
	if err != nil {
		fatal("property.Collector RetrieveOne vm1: %v", err)
	}
	check("property name", mvm.Name == "vm1", "%q", mvm.Name)
	if mvm.Config == nil {
		fatal("property config.hardware: no config")
	}
	hw := mvm.Config.Hardware
	check("property config.hardware.memoryMB", hw.MemoryMB == 64,
		"%d", hw.MemoryMB)
	check("property config.hardware.numCPU", hw.NumCPU == 1, "%d",
		hw.NumCPU)
	// hostd lists no devices yet (mo-virtualmachine.c): not checked.
	fmt.Printf("    config.hardware: %d MB, %d vCPU, %d devices\n",
		hw.MemoryMB, hw.NumCPU, len(hw.Device))
	check("property runtime.powerState is poweredOff",
		mvm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOff,
		"%q", mvm.Runtime.PowerState)

	on, err := power(ctx, vm1, true)
	check("PowerOn task.Wait", err == nil, "%v", err)
	st, err := waitPower(ctx, c, vm1,
		types.VirtualMachinePowerStatePoweredOn, 30*time.Second)
	check("property.Wait sees poweredOn", err == nil &&
		st == types.VirtualMachinePowerStatePoweredOn,
		"last %q, %v", st, err)
	if on != nil {
		info, err := on.WaitForResult(ctx, nil)
		check("PowerOn TaskInfo is success with name PowerOnVM_Task",
			err == nil && info.State == types.TaskInfoStateSuccess &&
				info.Name == "PowerOnVM_Task",
			"%+v %v", info, err)
	}

	_, err = power(ctx, vm1, false)
	check("PowerOff task.Wait", err == nil, "%v", err)
	st, err = waitPower(ctx, c, vm1,
		types.VirtualMachinePowerStatePoweredOff, 30*time.Second)
	check("property.Wait sees poweredOff", err == nil &&
		st == types.VirtualMachinePowerStatePoweredOff,
		"last %q, %v", st, err)

	// A second PowerOff: the task itself ends in error.
	_, err = power(ctx, vm1, false)
	var ipsOK bool
	var why string
	if te, ok := err.(task.Error); ok {
		ips, ok := te.Fault().(*types.InvalidPowerState)
		ipsOK = ok && ips.ExistingState ==
			types.VirtualMachinePowerStatePoweredOff
		why = fmt.Sprintf("fault %T %+v, message %q", te.Fault(),
			te.Fault(), te.LocalizedMessage)
		if ok {
			fmt.Printf("    InvalidPowerState requestedState=%s "+
				"existingState=%s, %q\n", ips.RequestedState,
				ips.ExistingState, te.LocalizedMessage)
		}
	} else {
		why = fmt.Sprintf("not a task.Error: %T %v", err, err)
	}
	check("second PowerOff: task error is types.InvalidPowerState "+
		"(existingState poweredOff)", ipsOK, "%s", why)

	// vm2 powers itself off: the change comes without any call.
	_, err = power(ctx, vm2, true)
	check("vm2 PowerOn task.Wait", err == nil, "%v", err)
	st, err = waitPower(ctx, c, vm2,
		types.VirtualMachinePowerStatePoweredOff, 60*time.Second)
	check("property.Wait sees vm2's guest power itself off",
		err == nil && st == types.VirtualMachinePowerStatePoweredOff,
		"last %q, %v", st, err)
	return on
}

func faults(ctx context.Context, hostport, rouser, ropass string,
	c *govmomi.Client, vm1 *object.VirtualMachine, done *object.Task) {
	// InvalidLogin: a wrong password for root.
	_, err := govmomi.NewClient(ctx, sdkURL(hostport,
		url.UserPassword("root", "wrong")), true)
	f, why := vimFault(err)
	_, ok := f.(types.InvalidLogin)
	check("bad password: types.InvalidLogin", ok, "%s", describe(f, why))

	// NoPermission: a ReadOnly user powering on.
	ro, err := govmomi.NewClient(ctx, sdkURL(hostport,
		url.UserPassword(rouser, ropass)), true)
	if err != nil {
		check("login as the ReadOnly user", false, "%v", err)
	} else {
		rovm := object.NewVirtualMachine(ro.Client, vm1.Reference())
		_, err = rovm.PowerOn(ctx)
		f, why = vimFault(err)
		np, ok := f.(types.NoPermission)
		check("ReadOnly PowerOn: types.NoPermission", ok &&
			np.Object.Value == vm1.Reference().Value, "%s",
			describe(f, why))
		if ok {
			fmt.Printf("    NoPermission object=%s privilegeId=%s\n",
				np.Object, np.PrivilegeId)
		}
		_ = ro.Logout(ctx)
	}

	// ManagedObjectNotFound: VirtualMachine 999.
	ghost := object.NewVirtualMachine(c.Client,
		types.ManagedObjectReference{Type: "VirtualMachine",
			Value: "999"})
	_, err = ghost.PowerOn(ctx)
	f, why = vimFault(err)
	mnf, ok := f.(types.ManagedObjectNotFound)
	check("PowerOn VirtualMachine:999: types.ManagedObjectNotFound",
		ok && mnf.Obj.Type == "VirtualMachine" && mnf.Obj.Value == "999",
		"%s", describe(f, why))

	// InvalidArgument: a container view of a type that does not exist.
	_, err = view.NewManager(c.Client).CreateContainerView(ctx,
		c.ServiceContent.RootFolder, []string{"NoSuchType"}, true)
	f, why = vimFault(err)
	ia, ok := f.(types.InvalidArgument)
	check("CreateContainerView type NoSuchType: types.InvalidArgument "+
		"(invalidProperty type)", ok && ia.InvalidProperty == "type",
		"%s", describe(f, why))

	// InvalidArgument: RetrievePropertiesEx with no specSet.
	_, err = methods.RetrievePropertiesEx(ctx, c.Client,
		&types.RetrievePropertiesEx{
			This: c.ServiceContent.PropertyCollector})
	f, why = vimFault(err)
	ia, ok = f.(types.InvalidArgument)
	check("RetrievePropertiesEx without specSet: types.InvalidArgument "+
		"(invalidProperty specSet)", ok &&
		ia.InvalidProperty == "specSet", "%s", describe(f, why))

	// MethodNotFound: a method no vim25 type has.
	var req, res noSuchMethodBody
	req.Req = &noSuchMethod{This: vm1.Reference()}
	err = c.Client.RoundTrip(ctx, &req, &res)
	f, why = vimFault(err)
	mnf2, ok := f.(types.MethodNotFound)
	check("NoSuchMethod on VirtualMachine: types.MethodNotFound "+
		"(method, receiver)", ok && mnf2.Method == "NoSuchMethod" &&
		mnf2.Receiver.Value == vm1.Reference().Value,
		"%s", describe(f, why))

	// InvalidState: CancelTask on a task that has succeeded.
	if done == nil {
		check("CancelTask on a finished task: types.InvalidState",
			false, "no finished task (PowerOn failed)")
	} else {
		err = done.Cancel(ctx)
		f, why = vimFault(err)
		_, ok = f.(types.InvalidState)
		check("CancelTask on a finished task: types.InvalidState", ok,
			"%s", describe(f, why))
	}

	// InvalidRequest: garbage posted to /sdk.
	invalidRequest(hostport)

	// NotAuthenticated: the same client after Logout.
	err = c.Logout(ctx)
	check("Logout", err == nil, "%v", err)
	var mvm mo.VirtualMachine
	err = property.DefaultCollector(c.Client).RetrieveOne(ctx,
		vm1.Reference(), []string{"name"}, &mvm)
	f, why = vimFault(err)
	_, ok = f.(types.NotAuthenticated)
	check("property read after Logout: types.NotAuthenticated "+
		"(missingSet)", ok, "%s", describe(f, why))
	_, err = vm1.PowerOn(ctx)
	f, why = vimFault(err)
	_, ok = f.(types.NotAuthenticated)
	check("PowerOn after Logout: types.NotAuthenticated", ok, "%s",
		describe(f, why))
}

// A request for a method that does not exist, sent with govmomi's own
// RoundTrip so that the answer goes through its fault decoding.
type noSuchMethod struct {
	This types.ManagedObjectReference `xml:"_this"`
}

type noSuchMethodBody struct {
	Req    *noSuchMethod `xml:"urn:vim25 NoSuchMethod,omitempty"`
	Res    *struct{}     `xml:"NoSuchMethodResponse,omitempty"`
	Fault_ *soap.Fault   `xml:"http://schemas.xmlsoap.org/soap/envelope/ Fault,omitempty"`
}

func (b *noSuchMethodBody) Fault() *soap.Fault { return b.Fault_ }

// invalidRequest posts XML that is not well formed and decodes the answer
// the way govmomi does (its xml package, types.TypeFunc).
func invalidRequest(hostport string) {
	var env struct {
		Body struct {
			Fault *soap.Fault `xml:"http://schemas.xmlsoap.org/soap/envelope/ Fault,omitempty"`
		} `xml:"http://schemas.xmlsoap.org/soap/envelope/ Body"`
	}

	hc := &http.Client{Timeout: 30 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{
			InsecureSkipVerify: true}}}
	body := `<?xml version="1.0"?><Envelope xmlns="http://schemas.` +
		`xmlsoap.org/soap/envelope/"><Body><RetrieveServiceContent ` +
		`xmlns="urn:vim25"><_this type="ServiceInstance">Service` +
		`Instance</_this></Body></Envelope><<<`
	r, err := http.NewRequest("POST", "https://"+hostport+"/sdk",
		bytes.NewBufferString(body))
	if err != nil {
		fatal("http.NewRequest: %v", err)
	}
	r.Header.Set("Content-Type", "text/xml; charset=utf-8")
	r.Header.Set("SOAPAction", "urn:vim25/6.7")
	resp, err := hc.Do(r)
	if err != nil {
		check("garbage POST to /sdk is answered", false, "%v", err)
		return
	}
	defer resp.Body.Close()
	raw, _ := ioutil.ReadAll(resp.Body)
	check("garbage POST to /sdk: HTTP 500", resp.StatusCode == 500,
		"HTTP %d: %s", resp.StatusCode, raw)
	dec := xml.NewDecoder(bytes.NewReader(raw))
	dec.TypeFunc = types.TypeFunc()
	err = dec.Decode(&env)
	ok := false
	what := fmt.Sprintf("decode %v: %s", err, raw)
	if err == nil && env.Body.Fault != nil {
		_, ok = env.Body.Fault.VimFault().(types.InvalidRequest)
		what = fmt.Sprintf("%s: %s", describe(env.Body.Fault.VimFault(),
			"no detail"), raw)
	}
	check("garbage POST to /sdk: types.InvalidRequest", ok, "%s", what)
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: govvm HOST:PORT RO-USER "+
			"RO-PASSWORD")
		os.Exit(2)
	}
	hostport := os.Args[1]
	ctx, cancel := context.WithTimeout(context.Background(),
		5*time.Minute)
	defer cancel()

	c, err := govmomi.NewClient(ctx, sdkURL(hostport,
		url.UserPassword("root", "")), true)
	if err != nil {
		fatal("login as root: %v", err)
	}
	fmt.Println("ok: login as root over HTTPS (insecure)")
	f := find.NewFinder(c.Client, true)
	dc, err := f.DefaultDatacenter(ctx)
	if err != nil {
		fatal("DefaultDatacenter: %v", err)
	}
	f.SetDatacenter(dc)
	vm1 := findVM(ctx, f, "vm1")
	vm2 := findVM(ctx, f, "vm2")

	done := lifecycle(ctx, c, vm1, vm2)
	faults(ctx, hostport, os.Args[2], os.Args[3], c, vm1, done)

	if failures > 0 {
		fmt.Printf("%d check(s) failed\n", failures)
		os.Exit(1)
	}
	fmt.Println("all checks passed")
}
