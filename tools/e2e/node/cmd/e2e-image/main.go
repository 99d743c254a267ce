// e2e-image builds an OCI image around one static executable and pushes it to a registry with
// go-containerregistry (no Docker): the rig's relocated cert-manager acmesolver image.
//
//	e2e-image -binary FILE -entrypoint PATH -user UID -ref REF [-registry-ca PEM] [-username U -password-file F]
package main

import (
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"tapacme/tools/e2e/node/oci"
)

func main() {
	bin := flag.String("binary", "", "the static executable to put in the image")
	entry := flag.String("entrypoint", "", "its path inside the image")
	user := flag.String("user", "1000", "numeric user the image runs as")
	ref := flag.String("ref", "", "where to push, e.g. registry.example.test/tap/app:v1")
	ca := flag.String("registry-ca", "", "PEM file of CAs the registry's certificate chains to")
	username := flag.String("username", "", "registry user")
	passFile := flag.String("password-file", "", "file holding the registry password")
	var labels labelFlags
	flag.Var(&labels, "label", "KEY=VALUE label of the image config (repeatable)")
	flag.Parse()
	if err := run(*bin, *entry, *user, *ref, *ca, *username, *passFile, labels); err != nil {
		fmt.Fprintf(os.Stderr, "e2e-image: %v\n", err)
		os.Exit(1)
	}
}

type labelFlags map[string]string

func (l *labelFlags) String() string { return fmt.Sprint(map[string]string(*l)) }
func (l *labelFlags) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok {
		return fmt.Errorf("want KEY=VALUE, not %q", v)
	}
	if *l == nil {
		*l = labelFlags{}
	}
	(*l)[k] = val
	return nil
}

func run(bin, entry, user, ref, ca, username, passFile string, labels map[string]string) error {
	if bin == "" || entry == "" || ref == "" {
		return fmt.Errorf("-binary, -entrypoint and -ref are required")
	}
	r, err := name.ParseReference(ref)
	if err != nil {
		return err
	}
	img, err := oci.Binary{File: bin, Entrypoint: entry, User: user, Labels: labels}.Image()
	if err != nil {
		return err
	}
	opts := []remote.Option{}
	if ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			return err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return fmt.Errorf("%s holds no PEM certificate", ca)
		}
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		opts = append(opts, remote.WithTransport(t))
	}
	if username != "" {
		pass, err := os.ReadFile(passFile)
		if err != nil {
			return err
		}
		opts = append(opts, remote.WithAuth(authn.FromConfig(authn.AuthConfig{Username: username, Password: strings.TrimRight(string(pass), "\r\n")})))
	}
	if err := remote.Write(r, img, opts...); err != nil {
		return err
	}
	d, err := img.Digest()
	if err != nil {
		return err
	}
	fmt.Printf("%s@%s\n", r.Context().Name(), d)
	return nil
}
