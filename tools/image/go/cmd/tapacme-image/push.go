package main

import (
	"fmt"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"tapacme/tools/image/oci"
)

func push(args []string) error {
	fs := newFlags("push")
	dir := fs.String("layout", "", "OCI layout written by build (DIR/oci)")
	ref := fs.String("ref", "", "where to push: REGISTRY/REPOSITORY:TAG")
	platform := fs.String("platform", "", "push only this platform's image (e.g. linux/amd64), not the index")
	sboms := fs.String("sbom-layout", "", "OCI layout of SBOM artifacts (DIR/sbom/oci) to push beside, as referrers of their images")
	var reg oci.Registry
	fs.StringVar(&reg.CAFile, "registry-ca", "", "PEM file of extra CAs for the registry's certificate")
	fs.StringVar(&reg.Username, "username", "", "registry user (default: the Docker config's credentials)")
	fs.StringVar(&reg.PasswordFile, "password-file", "", "file holding that user's password")
	_ = fs.Parse(args)
	if *dir == "" || *ref == "" {
		return fmt.Errorf("push needs -layout and -ref")
	}
	idx, _, err := oci.ReadLayout(*dir)
	if err != nil {
		return err
	}
	var p *v1.Platform
	if *platform != "" {
		if p, err = v1.ParsePlatform(*platform); err != nil {
			return err
		}
	}
	d, err := oci.Push(idx, *ref, p, reg)
	if err != nil {
		return err
	}
	if *sboms != "" {
		arts, err := oci.ReadArtifacts(*sboms)
		if err != nil {
			return err
		}
		subjects, err := oci.Subjects(idx, p)
		if err != nil {
			return err
		}
		n, err := oci.PushArtifacts(arts, *ref, subjects, reg)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "image: pushed %d SBOM artifacts as referrers\n", n)
	}
	fmt.Println(d.String())
	return nil
}
