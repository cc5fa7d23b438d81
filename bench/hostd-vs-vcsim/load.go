// SPDX-License-Identifier: ISC
//
// The load generator of bench/hostd-vs-vcsim.sh: vim25 SOAP over HTTPS
// with keep-alive, the same bytes to hostd and to vcsim.  Each client
// logs in once and keeps its one connection.
//
//	load -url https://127.0.0.1:P/sdk -mode time -c 16 -d 5s
//	    CurrentTime calls per second over c clients: "rate R"
//	load -url ... -mode props -n 200 -want 1000
//	    RetrievePropertiesEx of name and runtime.powerState over a
//	    container view of every VirtualMachine (following tokens):
//	    "p50 MS p99 MS objects N"
//
// Build: GOPATH=/usr/share/gocode GO111MODULE=off go build -o load load.go
package main

import (
	"bytes"
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const envHead = `<?xml version="1.0" encoding="UTF-8"?>` +
	`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ` +
	`xmlns:xsd="http://www.w3.org/2001/XMLSchema" ` +
	`xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>`
const envTail = `</soapenv:Body></soapenv:Envelope>`

var (
	reCookie = regexp.MustCompile(`vmware_soap_session=("?[^";]+"?)`)
	reView   = regexp.MustCompile(`<returnval type="ContainerView">([^<]+)</returnval>`)
	reToken  = regexp.MustCompile(`<token>([^<]+)</token>`)
	reObj    = regexp.MustCompile(`<obj type="VirtualMachine">`)
)

type client struct {
	url    string
	hc     *http.Client
	cookie string
}

func newClient(url string) *client {
	tr := &http.Transport{
		TLSClientConfig:     &tls.Config{InsecureSkipVerify: true},
		MaxIdleConnsPerHost: 1,
		MaxConnsPerHost:     1,
		DisableCompression:  true,
		IdleConnTimeout:     time.Hour,
	}
	return &client{url: url, hc: &http.Client{Transport: tr}}
}

func (c *client) call(body string) (string, error) {
	req, err := http.NewRequest("POST", c.url,
		bytes.NewReader([]byte(envHead+body+envTail)))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", `"urn:vim25/6.7"`)
	if c.cookie != "" {
		req.Header.Set("Cookie", "vmware_soap_session="+c.cookie)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != 200 {
		return "", fmt.Errorf("HTTP %d: %.300s", resp.StatusCode, b)
	}
	if m := reCookie.FindStringSubmatch(resp.Header.Get("Set-Cookie")); m != nil {
		c.cookie = m[1]
	}
	return string(b), nil
}

func (c *client) login(user, pass string) error {
	_, err := c.call(`<Login xmlns="urn:vim25"><_this type="SessionManager">ha-sessionmgr</_this>` +
		`<userName>` + user + `</userName><password>` + pass + `</password></Login>`)
	if err == nil && c.cookie == "" {
		err = fmt.Errorf("no session cookie after Login")
	}
	return err
}

const timeReq = `<CurrentTime xmlns="urn:vim25"><_this type="ServiceInstance">ServiceInstance</_this></CurrentTime>`

func runTime(url, user, pass string, conc int, dur time.Duration) {
	var n int64
	var wg sync.WaitGroup
	clients := make([]*client, conc)
	for i := range clients {
		clients[i] = newClient(url)
		if err := clients[i].login(user, pass); err != nil {
			log.Fatalf("login: %v", err)
		}
		if _, err := clients[i].call(timeReq); err != nil {
			log.Fatalf("CurrentTime: %v", err)
		}
	}
	start := time.Now()
	deadline := start.Add(dur)
	for _, c := range clients {
		wg.Add(1)
		go func(c *client) {
			defer wg.Done()
			for time.Now().Before(deadline) {
				if _, err := c.call(timeReq); err != nil {
					log.Fatalf("CurrentTime: %v", err)
				}
				atomic.AddInt64(&n, 1)
			}
		}(c)
	}
	wg.Wait()
	el := time.Since(start).Seconds()
	fmt.Printf("rate %.0f\n", float64(n)/el)
}

func runProps(url, user, pass string, count, want int) {
	c := newClient(url)
	if err := c.login(user, pass); err != nil {
		log.Fatalf("login: %v", err)
	}
	r, err := c.call(`<CreateContainerView xmlns="urn:vim25"><_this type="ViewManager">ViewManager</_this>` +
		`<container type="Folder">ha-folder-root</container><type>VirtualMachine</type>` +
		`<recursive>true</recursive></CreateContainerView>`)
	if err != nil {
		log.Fatalf("CreateContainerView: %v", err)
	}
	m := reView.FindStringSubmatch(r)
	if m == nil {
		log.Fatalf("CreateContainerView: no view in %.300s", r)
	}
	view := m[1]
	req := `<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">ha-property-collector</_this>` +
		`<specSet><propSet><type>VirtualMachine</type><pathSet>name</pathSet><pathSet>runtime.powerState</pathSet></propSet>` +
		`<objectSet><obj type="ContainerView">` + view + `</obj><skip>true</skip>` +
		`<selectSet xsi:type="TraversalSpec"><name>traverseEntities</name><type>ContainerView</type>` +
		`<path>view</path><skip>false</skip></selectSet></objectSet></specSet><options></options></RetrievePropertiesEx>`
	lat := make([]float64, 0, count)
	objs := 0
	for i := 0; i < count+count/10+1; i++ {
		t0 := time.Now()
		r, err := c.call(req)
		if err != nil {
			log.Fatalf("RetrievePropertiesEx: %v", err)
		}
		n := len(reObj.FindAllStringIndex(r, -1))
		for {
			m := reToken.FindStringSubmatch(r)
			if m == nil {
				break
			}
			r, err = c.call(`<ContinueRetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">` +
				`ha-property-collector</_this><token>` + m[1] + `</token></ContinueRetrievePropertiesEx>`)
			if err != nil {
				log.Fatalf("ContinueRetrievePropertiesEx: %v", err)
			}
			n += len(reObj.FindAllStringIndex(r, -1))
		}
		d := time.Since(t0).Seconds() * 1000
		if n != want && want > 0 {
			log.Fatalf("got %d VirtualMachines, want %d", n, want)
		}
		objs = n
		if i > count/10 { // the first tenth warms up
			lat = append(lat, d)
		}
	}
	sort.Float64s(lat)
	pct := func(p float64) float64 {
		i := int(p*float64(len(lat))+0.5) - 1
		if i < 0 {
			i = 0
		}
		if i >= len(lat) {
			i = len(lat) - 1
		}
		return lat[i]
	}
	fmt.Printf("p50 %.3f p99 %.3f objects %d\n", pct(0.50), pct(0.99), objs)
}

func main() {
	url := flag.String("url", "", "https://127.0.0.1:PORT/sdk")
	mode := flag.String("mode", "time", "time or props")
	conc := flag.Int("c", 1, "clients (time)")
	dur := flag.Duration("d", 5*time.Second, "duration (time)")
	count := flag.Int("n", 200, "calls measured (props)")
	want := flag.Int("want", 0, "VirtualMachines expected (props; 0: any)")
	user := flag.String("user", "root", "user name")
	pass := flag.String("pass", "", "password")
	flag.Parse()
	if *url == "" {
		flag.Usage()
		os.Exit(2)
	}
	*user = strings.ReplaceAll(*user, "<", "&lt;")
	switch *mode {
	case "time":
		runTime(*url, *user, *pass, *conc, *dur)
	case "props":
		runProps(*url, *user, *pass, *count, *want)
	default:
		log.Fatalf("unknown mode %s", *mode)
	}
}
