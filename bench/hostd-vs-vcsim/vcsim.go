// SPDX-License-Identifier: ISC
//
// The anchor of bench/hostd-vs-vcsim.sh: govmomi's simulator (vcsim) with
// its ESX model (a standalone host, as hostd is), over TLS on 127.0.0.1.
// -vms sets the number of VirtualMachines (Model.Machine, one pool).
// Prints "port N" once serving, then runs until killed.
//
// Build: GOPATH=/usr/share/gocode GO111MODULE=off go build -o vcsim vcsim.go
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/vmware/govmomi/simulator"
)

func main() {
	port := flag.Int("port", 0, "TCP port (0: any)")
	vms := flag.Int("vms", 2, "VirtualMachines in the ESX model")
	flag.Parse()

	m := simulator.ESX()
	m.Machine = *vms
	m.Autostart = false // hostd's VMs are registered powered off
	if err := m.Create(); err != nil {
		log.Fatal(err)
	}
	m.Service.TLS = new(tls.Config)
	m.Service.Listen = &url.URL{Host: fmt.Sprintf("127.0.0.1:%d", *port)}
	s := m.Service.NewServer()
	fmt.Printf("port %s\n", s.URL.Port())
	os.Stdout.Sync()

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	s.Close()
	m.Remove()
}
