// Command pgctl-coredns is CoreDNS with the few plugins the local test cluster's DNS needs:
// the kubernetes plugin answers for cluster.local from the API server, the rest are the
// usual companions (readiness, health, errors, logging, cache). Building CoreDNS this way,
// with its own directive list, is how CoreDNS documents a build with chosen plugins; it keeps
// out the cloud-provider plugins and their SDKs.
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/ready"
)

// The plugins in CoreDNS's own order (plugin.cfg): the order in which they handle a query.
var directives = []string{
	"bind",
	"ready",
	"health",
	"errors",
	"log",
	"cache",
	"kubernetes",
}

func init() {
	dnsserver.Directives = directives
}

func main() {
	coremain.Run()
}
