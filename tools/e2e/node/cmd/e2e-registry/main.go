// e2e-registry is the rig's private registry: distribution's own registry code with the
// filesystem storage driver and htpasswd authentication only (none of the cloud drivers that
// its release binary links), configured by a distribution config file.
//
//	e2e-registry serve CONFIG          run the registry
//	e2e-registry htpasswd USER < PASS  print an htpasswd line (bcrypt) for USER
package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/distribution/distribution/v3/configuration"
	"github.com/distribution/distribution/v3/registry"
	_ "github.com/distribution/distribution/v3/registry/auth/htpasswd"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/filesystem"
	"golang.org/x/crypto/bcrypt"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "e2e-registry: %v\n", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("usage: e2e-registry serve CONFIG | e2e-registry htpasswd USER < PASSWORD")
	}
	switch args[0] {
	case "serve":
		f, err := os.Open(args[1])
		if err != nil {
			return err
		}
		cfg, err := configuration.Parse(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", args[1], err)
		}
		reg, err := registry.NewRegistry(context.Background(), cfg)
		if err != nil {
			return err
		}
		return reg.ListenAndServe()
	case "htpasswd":
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("no password on stdin")
		}
		hash, err := bcrypt.GenerateFromPassword([]byte(strings.TrimRight(line, "\r\n")), bcrypt.DefaultCost)
		if err != nil {
			return err
		}
		fmt.Printf("%s:%s\n", args[1], hash)
		return nil
	}
	return fmt.Errorf("unknown command %q", args[0])
}
