// Command etcd is etcd's own entry point (etcdmain), built here because
// setup-envtest cannot download binaries in this environment.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
