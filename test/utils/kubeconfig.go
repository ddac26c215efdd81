/*
Copyright 2026 The loginprofile-operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package utils

import (
	"fmt"
	"net/url"

	"k8s.io/client-go/tools/clientcmd"
)

// KubeconfigServerHost is the host:port of the API server of the kubeconfig's current context.
func KubeconfigServerHost(path string) (string, error) {
	cfg, err := clientcmd.LoadFromFile(path)
	if err != nil {
		return "", fmt.Errorf("reading the kubeconfig %s: %w", path, err)
	}
	ctx, ok := cfg.Contexts[cfg.CurrentContext]
	if !ok {
		return "", fmt.Errorf("kubeconfig %s: no current context", path)
	}
	cluster, ok := cfg.Clusters[ctx.Cluster]
	if !ok {
		return "", fmt.Errorf("kubeconfig %s: no cluster %q", path, ctx.Cluster)
	}
	u, err := url.Parse(cluster.Server)
	if err != nil {
		return "", fmt.Errorf("kubeconfig %s: server %q: %w", path, cluster.Server, err)
	}
	return u.Host, nil
}

// WriteKubeconfigVia copies the kubeconfig at src to dst with every cluster's server replaced by
// https://hostPort (a TCPProxy in front of the API server), keeping the CA and the credentials.
// The API server's certificate names 127.0.0.1, so a proxy on another loopback port passes the
// host name check.
func WriteKubeconfigVia(src, dst, hostPort string) error {
	cfg, err := clientcmd.LoadFromFile(src)
	if err != nil {
		return fmt.Errorf("reading the kubeconfig %s: %w", src, err)
	}
	for _, cluster := range cfg.Clusters {
		cluster.Server = "https://" + hostPort
	}
	if err := clientcmd.WriteToFile(*cfg, dst); err != nil {
		return fmt.Errorf("writing the kubeconfig %s: %w", dst, err)
	}
	return nil
}
