// SPDX-License-Identifier: ISC
//
// govmomi 0.24 managing local accounts on hostd (run by
// itest_hostd_govmomi_accounts.sh on a fresh --root): CreateUser with a
// HostPosixAccountSpec, a login as the new user, AlreadyExists and
// InvalidArgument decoded into their vim25 types, UpdateUser changing the
// password for the next login, RetrieveUserGroups (users, groups,
// belongsToGroup=localadmin, the console check dcui makes), RemoveUser
// and UserNotFound.
//
// Usage: govacct HOST:PORT.  One ok/FAIL line a check; exit 0 when all
// pass, 1 otherwise.
package main

import (
	"context"
	"fmt"
	"net/url"
	"os"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/methods"
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

func login(ctx context.Context, hostport, user, pass string) (*govmomi.Client,
	error) {
	u := &url.URL{Scheme: "https", Host: hostport, Path: "/sdk",
		User: url.UserPassword(user, pass)}
	return govmomi.NewClient(ctx, u, true)
}

// fault is the vim25 fault err carries, or nil.
func fault(err error) types.AnyType {
	if err != nil && soap.IsSoapFault(err) {
		return soap.ToSoapFault(err).VimFault()
	}
	return nil
}

func find(ctx context.Context, c *vim25.Client, search string, users,
	groups bool, in string) []types.BaseUserSearchResult {
	req := types.RetrieveUserGroups{This: *c.ServiceContent.UserDirectory,
		SearchStr: search, ExactMatch: true, FindUsers: users,
		FindGroups: groups, BelongsToGroup: in}
	res, err := methods.RetrieveUserGroups(ctx, c, &req)
	if err != nil {
		check("RetrieveUserGroups "+search, false, "%v", err)
		return nil
	}
	return res.Returnval
}

func main() {
	ctx := context.Background()
	hostport := os.Args[1]
	root, err := login(ctx, hostport, "root", "")
	if err != nil {
		fmt.Printf("FAIL: root login: %v\n", err)
		os.Exit(1)
	}
	c := root.Client
	am := *c.ServiceContent.AccountManager
	check("accountManager", am.Value == "ha-localacctmgr", "%v", am)

	spec := &types.HostPosixAccountSpec{HostAccountSpec: types.HostAccountSpec{
		Id: "gopher", Password: "Gopher-pass1", Description: "Go Pher"},
		PosixId: 4242, ShellAccess: types.NewBool(true)}
	_, err = methods.CreateUser(ctx, c, &types.CreateUser{This: am,
		User: spec})
	check("CreateUser with a HostPosixAccountSpec", err == nil, "%v", err)
	_, err = methods.CreateUser(ctx, c, &types.CreateUser{This: am,
		User: spec})
	ae, ok := fault(err).(types.AlreadyExists)
	check("AlreadyExists decoded with its name", ok && ae.Name == "gopher",
		"%v", err)
	_, err = methods.CreateUser(ctx, c, &types.CreateUser{This: am,
		User: &types.HostAccountSpec{Id: "shorty", Password: "short"}})
	ia, ok := fault(err).(types.InvalidArgument)
	check("a short password is InvalidArgument", ok &&
		ia.InvalidProperty == "password", "%v", err)

	g, err := login(ctx, hostport, "gopher", "Gopher-pass1")
	check("gopher logs in", err == nil, "%v", err)
	r := find(ctx, c, "gopher", true, false, "")
	ok = len(r) == 1
	if ok {
		p, isPosix := r[0].(*types.PosixUserSearchResult)
		ok = isPosix && p.Id == 4242 && p.ShellAccess != nil &&
			*p.ShellAccess && p.FullName == "Go Pher"
	}
	check("PosixUserSearchResult with posixId and shellAccess", ok,
		"%#v", r)
	check("localadmin is a group", len(find(ctx, c, "localadmin", false,
		true, "")) == 1, "")
	check("root is a console admin", len(find(ctx, c, "root", true, false,
		"localadmin")) == 1, "")
	if g != nil {
		check("gopher's own check: not a console admin",
			len(find(ctx, g.Client, "gopher", true, false,
				"localadmin")) == 0, "")
	}

	_, err = methods.UpdateUser(ctx, c, &types.UpdateUser{This: am,
		User: &types.HostAccountSpec{Id: "gopher",
			Password: "Gopher-pass2"}})
	check("UpdateUser", err == nil, "%v", err)
	_, err = login(ctx, hostport, "gopher", "Gopher-pass1")
	_, ok = fault(err).(types.InvalidLogin)
	check("the old password fails at once", ok, "%v", err)
	_, err = login(ctx, hostport, "gopher", "Gopher-pass2")
	check("the new password works at once", err == nil, "%v", err)

	_, err = methods.RemoveUser(ctx, c, &types.RemoveUser{This: am,
		UserName: "gopher"})
	check("RemoveUser", err == nil, "%v", err)
	_, err = methods.RemoveUser(ctx, c, &types.RemoveUser{This: am,
		UserName: "gopher"})
	un, ok := fault(err).(types.UserNotFound)
	check("UserNotFound decoded with its principal", ok &&
		un.Principal == "gopher", "%v", err)

	fmt.Printf("%d failure(s)\n", failures)
	if failures != 0 {
		os.Exit(1)
	}
}
