// tapacme-image builds kubectl-tapacme's container image without Docker: per platform, a
// minimal root filesystem from Debian packages (fetched directly, checked against the signed
// index) plus the single-executable build, as an OCI image index in an OCI layout, with an SPDX
// SBOM per platform beside it; and pushes such a layout to a registry.
//
//	tapacme-image build -out DIR -platform linux/amd64=EXE ... [flags]   (see -h)
//	tapacme-image push -layout DIR/oci -ref REF [-platform linux/amd64] [-registry-ca PEM] [-username U -password-file F]
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "build":
		err = build(os.Args[2:])
	case "push":
		err = push(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "tapacme-image: %v\n", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: tapacme-image build|push [flags] (-h for the flags of each)")
	os.Exit(2)
}

func logf(format string, args ...any) { fmt.Fprintf(os.Stderr, "image: "+format+"\n", args...) }

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// mapFlag collects repeatable KEY=VALUE flags.
type mapFlag map[string]string

func (m mapFlag) String() string { return fmt.Sprint(map[string]string(m)) }
func (m mapFlag) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || k == "" {
		return fmt.Errorf("want KEY=VALUE, not %q", v)
	}
	m[k] = val
	return nil
}

func newFlags(name string) *flag.FlagSet {
	return flag.NewFlagSet("tapacme-image "+name, flag.ExitOnError)
}
