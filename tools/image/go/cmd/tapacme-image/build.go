package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"tapacme/tools/image/debian"
	"tapacme/tools/image/oci"
	"tapacme/tools/image/rootfs"
	"tapacme/tools/image/sbom"
)

type buildOptions struct {
	out, cache, keyring, packages, entrypoint, tag, name, repository, components, exeDir string
	created                                                                              int64
	maxAge                                                                               time.Duration
	archives, platforms, files                                                           listFlag
	labels                                                                               mapFlag
}

// Summary is what build prints on stdout (JSON), for the release script and the tests.
type Summary struct {
	Index  string `json:"index"`
	Tag    string `json:"tag"`
	Layout string `json:"layout"`
	// SBOMLayout holds each SBOM as an OCI artifact whose subject is its platform's image.
	SBOMLayout string          `json:"sbomLayout"`
	Variants   []VariantResult `json:"variants"`
}

type VariantResult struct {
	Platform     string            `json:"platform"`
	Digest       string            `json:"digest"`
	Compressed   int64             `json:"compressedBytes"`   // layers as pulled
	Uncompressed int64             `json:"uncompressedBytes"` // root filesystem on disk
	BaseBytes    int64             `json:"baseUncompressedBytes"`
	SBOM         string            `json:"sbom"`
	Packages     map[string]string `json:"packages"`
}

func build(args []string) error {
	o := buildOptions{labels: mapFlag{}}
	fs := newFlags("build")
	fs.StringVar(&o.out, "out", "", "output folder: OUT/oci (OCI layout) and OUT/sbom/*.spdx.json")
	fs.StringVar(&o.cache, "cache", "", "cache folder for the Debian index and packages")
	fs.Var(&o.archives, "archive", "MIRROR|SUITE to take packages from, repeatable; the highest version wins")
	fs.StringVar(&o.keyring, "keyring", "/usr/share/keyrings/debian-archive-keyring.gpg", "keyring the suites' InRelease must be signed with")
	fs.DurationVar(&o.maxAge, "index-max-age", 24*time.Hour, "fetch a suite's InRelease again when the cached one is older")
	fs.StringVar(&o.packages, "packages", "libc6,libgcc-s1,gcc-12-base,libstdc++6,ca-certificates", "Debian packages of the root filesystem")
	fs.Var(&o.platforms, "platform", "OS/ARCH=EXECUTABLE, repeatable")
	fs.Var(&o.files, "file", "PATH=SOURCE: another file of the application layer (mode 0644), repeatable")
	fs.StringVar(&o.entrypoint, "entrypoint", "/usr/local/bin/kubectl-tapacme", "where the executable goes; the image's entrypoint")
	fs.StringVar(&o.tag, "tag", "", "the tag the layout names the index with")
	fs.StringVar(&o.name, "name", "kubectl-tapacme", "image name (SBOM)")
	fs.StringVar(&o.repository, "repository", "", "repository the image is published to (SBOM)")
	fs.StringVar(&o.components, "components", "", "JSON file: the executable's components for the SBOM")
	fs.Int64Var(&o.created, "created", 0, "creation time, seconds since the epoch (SOURCE_DATE_EPOCH)")
	fs.Var(o.labels, "label", "KEY=VALUE label and annotation, repeatable")
	_ = fs.Parse(args)
	if o.out == "" || o.cache == "" || len(o.platforms) == 0 || len(o.archives) == 0 || o.tag == "" {
		return fmt.Errorf("build needs -out, -cache, -archive, -platform and -tag")
	}
	var comps []sbom.Component
	if o.components != "" {
		data, err := os.ReadFile(o.components)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(data, &comps); err != nil {
			return fmt.Errorf("%s: %v", o.components, err)
		}
	}
	var archives []*debian.Archive
	for _, a := range o.archives {
		mirror, suite, ok := strings.Cut(a, "|")
		if !ok {
			return fmt.Errorf("-archive %q: want MIRROR|SUITE", a)
		}
		archives = append(archives, &debian.Archive{Mirror: strings.TrimRight(mirror, "/"), Suite: suite, Keyring: o.keyring,
			Cache: filepath.Join(o.cache, "debian"), MaxAge: o.maxAge, Log: logf})
	}
	created := time.Unix(o.created, 0).UTC()
	osRelease, distro, err := osRelease(archives[0])
	if err != nil {
		return err
	}
	sum := Summary{Tag: o.tag, Layout: filepath.Join(o.out, "oci")}
	var imgs, arts []v1.Image
	var plats []v1.Platform
	sbomDir := filepath.Join(o.out, "sbom")
	if err := os.MkdirAll(sbomDir, 0o755); err != nil {
		return err
	}
	for _, spec := range o.platforms {
		ps, exe, ok := strings.Cut(spec, "=")
		if !ok {
			return fmt.Errorf("-platform %q: want OS/ARCH=EXECUTABLE", spec)
		}
		p, err := v1.ParsePlatform(ps)
		if err != nil {
			return err
		}
		if p.Architecture == "arm64" && p.Variant == "" {
			p.Variant = "v8"
		}
		v, pkgs, debSums, err := o.variant(*p, exe, archives, created, osRelease)
		if err != nil {
			return fmt.Errorf("%s: %v", ps, err)
		}
		img, err := v.Image()
		if err != nil {
			return err
		}
		d, err := img.Digest()
		if err != nil {
			return err
		}
		doc, err := sbom.Write(sbom.Image{Name: o.name, Version: o.tag, Repository: o.repository, Digest: d.String(), OS: p.OS, Arch: p.Architecture,
			Distro: distro, Mirror: archives[0].Mirror, Created: created}, pkgs, debSums, comps)
		if err != nil {
			return err
		}
		file := filepath.Join(sbomDir, fmt.Sprintf("%s-%s-%s.spdx.json", o.name, p.OS, p.Architecture))
		if err := os.WriteFile(file, doc, 0o644); err != nil {
			return err
		}
		art, err := oci.SBOMArtifact(doc, filepath.Base(file), img, map[string]string{"org.opencontainers.image.created": created.Format(time.RFC3339)})
		if err != nil {
			return err
		}
		arts = append(arts, art)
		r := VariantResult{Platform: p.OS + "/" + p.Architecture, Digest: d.String(), SBOM: file, Packages: map[string]string{},
			BaseBytes: int64(len(v.Base)), Uncompressed: int64(len(v.Base) + len(v.App))}
		for _, pk := range pkgs {
			r.Packages[pk.Name] = pk.Version
		}
		layers, err := img.Layers()
		if err != nil {
			return err
		}
		for _, l := range layers {
			n, err := l.Size()
			if err != nil {
				return err
			}
			r.Compressed += n
		}
		sum.Variants = append(sum.Variants, r)
		imgs, plats = append(imgs, img), append(plats, *p)
		logf("%s: %s, %.1f MiB compressed, %.1f MiB unpacked (root filesystem %.1f MiB)", r.Platform, r.Digest,
			float64(r.Compressed)/(1<<20), float64(r.Uncompressed)/(1<<20), float64(r.BaseBytes)/(1<<20))
	}
	idx, err := oci.Index(imgs, plats, o.labels)
	if err != nil {
		return err
	}
	if err := oci.WriteLayout(sum.Layout, idx, o.tag); err != nil {
		return err
	}
	sum.SBOMLayout = filepath.Join(sbomDir, "oci")
	if err := oci.WriteArtifacts(sum.SBOMLayout, arts); err != nil {
		return err
	}
	d, err := idx.Digest()
	if err != nil {
		return err
	}
	sum.Index = d.String()
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(sum)
}

// variant builds one platform's layers: the Debian root filesystem and the executable.
func (o buildOptions) variant(p v1.Platform, exe string, archives []*debian.Archive, created time.Time, osRelease string) (oci.Variant, []rootfs.Installed, map[string]string, error) {
	names := strings.Split(o.packages, ",")
	resolved, err := debian.Resolve(archives, p.Architecture, names)
	if err != nil {
		return oci.Variant{}, nil, nil, err
	}
	base := rootfs.New(created)
	var pkgs []rootfs.Installed
	var certs map[string][]byte
	sums := map[string]string{}
	for _, r := range resolved {
		deb, err := r.From.Fetch(r.Package)
		if err != nil {
			return oci.Variant{}, nil, nil, err
		}
		in, err := base.AddPackage(r.Package, deb)
		if err != nil {
			return oci.Variant{}, nil, nil, err
		}
		if r.Name == "ca-certificates" {
			if certs, err = rootfs.Certificates(deb); err != nil {
				return oci.Variant{}, nil, nil, err
			}
		}
		pkgs, sums[r.Name] = append(pkgs, in), r.SHA256
	}
	base.Finish(pkgs, certs, osRelease)
	baseTar, err := base.Tar()
	if err != nil {
		return oci.Variant{}, nil, nil, err
	}
	app := rootfs.New(created)
	bin, err := os.ReadFile(exe)
	if err != nil {
		return oci.Variant{}, nil, nil, err
	}
	app.File(o.entrypoint, 0o755, bin)
	for _, f := range o.files {
		dest, src, ok := strings.Cut(f, "=")
		if !ok {
			return oci.Variant{}, nil, nil, fmt.Errorf("-file %q: want PATH=SOURCE", f)
		}
		data, err := os.ReadFile(src)
		if err != nil {
			return oci.Variant{}, nil, nil, err
		}
		app.File(dest, 0o644, data)
	}
	appTar, err := app.Tar()
	if err != nil {
		return oci.Variant{}, nil, nil, err
	}
	var versions []string
	for _, pk := range pkgs {
		versions = append(versions, pk.Name+" "+pk.Version)
	}
	return oci.Variant{
		Platform: p, Base: baseTar, App: appTar,
		Entrypoint: []string{o.entrypoint},
		User:       strconv.Itoa(rootfs.NonRoot) + ":" + strconv.Itoa(rootfs.NonRoot),
		Env:        []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt", "HOME=/home/nonroot"},
		Labels:     o.labels, Created: created,
		BaseComment: "Debian " + strings.Join(versions, ", "),
		AppComment:  "kubectl-tapacme " + o.tag,
	}, pkgs, sums, nil
}

// osRelease writes /etc/os-release for the suite, as base-files would; distro is the purl
// qualifier (debian-12).
func osRelease(a *debian.Archive) (string, string, error) {
	ver, err := a.ReleaseField("Version")
	if err != nil {
		return "", "", err
	}
	code, err := a.ReleaseField("Codename")
	if err != nil {
		return "", "", err
	}
	major, _, _ := strings.Cut(ver, ".")
	return fmt.Sprintf("PRETTY_NAME=\"Debian GNU/Linux %s (%s)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"%s\"\nVERSION=\"%s (%s)\"\nVERSION_CODENAME=%s\nID=debian\nHOME_URL=\"https://www.debian.org/\"\n",
		major, code, major, major, code, code), "debian-" + major, nil
}
