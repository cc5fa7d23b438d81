// SPDX-License-Identifier: ISC
//
// govmomi 0.24 on datastore files (run by itest_hostd_govmomi_datastore.sh):
// object.FileManager.MakeDirectory, object.Datastore Upload (a small file
// with a length, and 20 MiB from a pipe, which govmomi sends chunked and
// which is over hostd's request-size limit) and Download byte for byte,
// Datastore.Open with Seek (HTTP Range), Datastore.Stat (a
// SearchDatastore with a pattern), HostDatastoreBrowser.SearchDatastore
// and SearchDatastoreSubFolders, FileManager Copy/Move/Delete with their
// faults, and VirtualDiskManager Create/QueryVirtualDiskUuid/Copy/Delete.
//
// Usage: govds HOST:PORT.  Prints one ok/FAIL line a check; exit 0 when
// all pass, 1 otherwise.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"io/ioutil"
	"math/rand"
	"net/url"
	"os"
	"regexp"
	"sort"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/task"
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

// faultIs tells whether err is the vim25 fault named name (types.Name),
// whether it came as a task error or as a SOAP fault of the call.
func faultIs(err error, name string) bool {
	var f interface{}
	if te, ok := err.(task.Error); ok {
		f = te.Fault()
	} else if soap.IsSoapFault(err) {
		f = soap.ToSoapFault(err).VimFault()
	} else {
		return false
	}
	t := fmt.Sprintf("%T", f)
	return t == "types."+name || t == "*types."+name
}

func wait(ctx context.Context, t *object.Task, err error) error {
	if err != nil {
		return err
	}
	return t.Wait(ctx)
}

func main() {
	ctx := context.Background()
	u := &url.URL{Scheme: "https", Host: os.Args[1], Path: "/sdk",
		User: url.UserPassword("root", "")}
	c, err := govmomi.NewClient(ctx, u, true)
	if err != nil {
		fatal("login: %v", err)
	}
	finder := find.NewFinder(c.Client, false)
	dc, err := finder.DefaultDatacenter(ctx)
	if err != nil {
		fatal("datacenter: %v", err)
	}
	finder.SetDatacenter(dc)
	ds, err := finder.Datastore(ctx, "datastore1")
	if err != nil {
		fatal("datastore: %v", err)
	}
	fm := object.NewFileManager(c.Client)
	vdm := object.NewVirtualDiskManager(c.Client)

	err = fm.MakeDirectory(ctx, ds.Path("gov/sub"), dc, true)
	check("MakeDirectory with parents", err == nil, "%v", err)

	// Upload and Download: a small file, then 20 MiB sent chunked.
	small := []byte("hello from govmomi\n")
	p := soap.DefaultUpload
	p.ContentLength = int64(len(small))
	err = ds.Upload(ctx, bytes.NewReader(small), "gov/hello.txt", &p)
	check("Upload with a length", err == nil, "%v", err)
	rc, n, err := ds.Download(ctx, "gov/hello.txt", &soap.DefaultDownload)
	if err == nil {
		got, _ := ioutil.ReadAll(rc)
		rc.Close()
		check("Download gives it back", bytes.Equal(got, small) &&
			n == int64(len(small)), "%q (%d)", got, n)
	} else {
		check("Download", false, "%v", err)
	}

	big := make([]byte, 20<<20)
	rand.New(rand.NewSource(7)).Read(big)
	pr, pw := io.Pipe()
	go func() {
		for off := 0; off < len(big); off += 1 << 20 {
			pw.Write(big[off : off+1<<20])
		}
		pw.Close()
	}()
	err = ds.Upload(ctx, pr, "gov/sub/big.bin", &soap.DefaultUpload)
	check("a chunked 20 MiB Upload", err == nil, "%v", err)
	rc, _, err = ds.Download(ctx, "gov/sub/big.bin", &soap.DefaultDownload)
	if err == nil {
		h := sha256.New()
		io.Copy(h, rc)
		rc.Close()
		want := sha256.Sum256(big)
		check("the 20 MiB Download is identical",
			bytes.Equal(h.Sum(nil), want[:]), "checksum differs")
	} else {
		check("the 20 MiB Download", false, "%v", err)
	}
	_, _, err = ds.Download(ctx, "gov/nope.bin", &soap.DefaultDownload)
	check("Download of a missing file fails", err != nil, "no error")

	f, err := ds.Open(ctx, "gov/sub/big.bin")
	if err == nil {
		buf := make([]byte, 16)
		_, serr := f.Seek(12345678, io.SeekStart)
		_, rerr := io.ReadFull(f, buf)
		f.Close()
		check("Open + Seek reads through a Range request",
			serr == nil && rerr == nil &&
				bytes.Equal(buf, big[12345678:12345678+16]),
			"%v %v", serr, rerr)
	} else {
		check("Open", false, "%v", err)
	}
	fi, err := ds.Stat(ctx, "gov/hello.txt")
	check("Stat (SearchDatastore with a pattern)", err == nil &&
		fi.GetFileInfo().FileSize == int64(len(small)), "%v", err)

	// HostDatastoreBrowser.
	b, err := ds.Browser(ctx)
	if err != nil {
		fatal("browser: %v", err)
	}
	spec := types.HostDatastoreBrowserSearchSpec{
		MatchPattern: []string{"*.txt"},
		Details: &types.FileQueryFlags{FileType: true, FileSize: true,
			Modification: true},
	}
	t, err := b.SearchDatastore(ctx, ds.Path("gov"), &spec)
	var res types.AnyType
	if err == nil {
		var info *types.TaskInfo
		info, err = t.WaitForResult(ctx, nil)
		if err == nil {
			res = info.Result
		}
	}
	r, ok := res.(types.HostDatastoreBrowserSearchResults)
	check("SearchDatastore", err == nil && ok && len(r.File) == 1 &&
		r.File[0].GetFileInfo().Path == "hello.txt" &&
		r.FolderPath == "[datastore1] gov", "%v %#v", err, res)
	t, err = b.SearchDatastoreSubFolders(ctx, ds.Path("gov"),
		&types.HostDatastoreBrowserSearchSpec{})
	res = nil
	if err == nil {
		var info *types.TaskInfo
		info, err = t.WaitForResult(ctx, nil)
		if err == nil {
			res = info.Result
		}
	}
	var folders []string
	if a, ok := res.(types.ArrayOfHostDatastoreBrowserSearchResults); ok {
		for _, x := range a.HostDatastoreBrowserSearchResults {
			folders = append(folders, x.FolderPath)
		}
	}
	sort.Strings(folders)
	check("SearchDatastoreSubFolders", err == nil && len(folders) == 2 &&
		folders[0] == "[datastore1] gov" &&
		folders[1] == "[datastore1] gov/sub", "%v %v", err, folders)
	_, err = b.SearchDatastore(ctx, ds.Path("nope"), nil)
	if err == nil {
		t, _ = b.SearchDatastore(ctx, ds.Path("nope"), nil)
		err = t.Wait(ctx)
	}
	check("searching a missing folder: FileNotFound",
		faultIs(err, "FileNotFound"), "%v", err)

	// FileManager.
	t, err = fm.CopyDatastoreFile(ctx, ds.Path("gov/hello.txt"), dc,
		ds.Path("gov/copy.txt"), dc, false)
	err = wait(ctx, t, err)
	check("CopyDatastoreFile", err == nil, "%v", err)
	t, err = fm.CopyDatastoreFile(ctx, ds.Path("gov/hello.txt"), dc,
		ds.Path("gov/copy.txt"), dc, false)
	err = wait(ctx, t, err)
	check("a second copy: FileAlreadyExists",
		faultIs(err, "FileAlreadyExists"), "%v", err)
	t, err = fm.MoveDatastoreFile(ctx, ds.Path("gov/copy.txt"), dc,
		ds.Path("gov/moved.txt"), dc, false)
	err = wait(ctx, t, err)
	check("MoveDatastoreFile", err == nil, "%v", err)
	rc, _, err = ds.Download(ctx, "gov/moved.txt", &soap.DefaultDownload)
	if err == nil {
		got, _ := ioutil.ReadAll(rc)
		rc.Close()
		check("the moved file has the contents", bytes.Equal(got, small),
			"%q", got)
	} else {
		check("the moved file", false, "%v", err)
	}
	t, err = fm.DeleteDatastoreFile(ctx, ds.Path("gov/moved.txt"), dc)
	err = wait(ctx, t, err)
	check("DeleteDatastoreFile", err == nil, "%v", err)
	t, err = fm.DeleteDatastoreFile(ctx, ds.Path("gov/moved.txt"), dc)
	err = wait(ctx, t, err)
	check("deleting it again: FileNotFound", faultIs(err, "FileNotFound"),
		"%v", err)
	err = fm.MakeDirectory(ctx, "gov/x", dc, false)
	check("a path without [datastore]: InvalidDatastorePath",
		faultIs(err, "InvalidDatastorePath"), "%v", err)

	// VirtualDiskManager.
	dspec := &types.FileBackedVirtualDiskSpec{
		VirtualDiskSpec: types.VirtualDiskSpec{DiskType: "thin",
			AdapterType: "lsiLogic"},
		CapacityKb: 2048,
	}
	t, err = vdm.CreateVirtualDisk(ctx, ds.Path("gov/d.vmdk"), dc, dspec)
	err = wait(ctx, t, err)
	check("CreateVirtualDisk", err == nil, "%v", err)
	uuid, err := vdm.QueryVirtualDiskUuid(ctx, ds.Path("gov/d.vmdk"), dc)
	check("QueryVirtualDiskUuid", err == nil && regexp.MustCompile(
		`^([0-9a-f]{2} ){7}[0-9a-f]{2}-([0-9a-f]{2} ){7}[0-9a-f]{2}$`).
		MatchString(uuid), "%v %q", err, uuid)
	t, err = vdm.CopyVirtualDisk(ctx, ds.Path("gov/d.vmdk"), dc,
		ds.Path("gov/d2.vmdk"), dc, nil, false)
	err = wait(ctx, t, err)
	check("CopyVirtualDisk", err == nil, "%v", err)
	t, err = vdm.CreateVirtualDisk(ctx, ds.Path("gov/d.vmdk"), dc, dspec)
	err = wait(ctx, t, err)
	check("creating it again: FileAlreadyExists",
		faultIs(err, "FileAlreadyExists"), "%v", err)
	t, err = vdm.DeleteVirtualDisk(ctx, ds.Path("gov/d2.vmdk"), dc)
	err = wait(ctx, t, err)
	check("DeleteVirtualDisk", err == nil, "%v", err)
	_, err = ds.Stat(ctx, "gov/d2.vmdk")
	check("the deleted disk is gone", err != nil, "still there")

	fmt.Printf("%d failure(s)\n", failures)
	if failures > 0 {
		os.Exit(1)
	}
}
