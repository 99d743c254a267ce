package rootfs

import (
	"archive/tar"
	"bytes"
	"fmt"
	"path"
	"sort"
	"strings"

	"tapacme/tools/image/debian"
)

// NonRoot is the user and group the image runs as (distroless' "nonroot").
const NonRoot = 65532

// Dropped: what a program that only links these libraries never reads. Documentation goes,
// except each package's copyright file (its licence terms).
var dropped = []string{
	"usr/share/doc/", "usr/share/man/", "usr/share/info/", "usr/share/lintian/", "usr/share/locale/",
	"usr/share/gdb/", "usr/share/gcc/", "usr/share/bug/", "usr/share/ca-certificates/",
	"usr/bin/", "usr/sbin/", "bin/", "sbin/", "usr/libexec/", "etc/ca-certificates/", "etc/ca-certificates.conf",
}

func keep(p string) bool {
	// usr/share/doc/PKG/copyright, and usr/share/doc/PKG itself when it links to the folder of
	// the package that carries the copyright (libstdc++6 -> gcc-12-base).
	if rest, ok := strings.CutPrefix(p, "usr/share/doc/"); ok && (!strings.Contains(rest, "/") || path.Base(rest) == "copyright" && strings.Count(rest, "/") == 1) {
		return true
	}
	if strings.Contains(p, "/gconv/") { // iconv modules: Node converts with its own ICU
		return false
	}
	for _, d := range dropped {
		if strings.HasPrefix(p, d) || p+"/" == d {
			return false
		}
	}
	return true
}

// Installed is a Debian package as it went into the root filesystem.
type Installed struct {
	debian.Package
	Control   string   // its control file
	Licenses  []string // from its DEP-5 copyright file, if machine-readable
	Copyright bool     // its copyright file is in the image
}

// AddPackage unpacks the package's files that a program needs at run time into f.
func (f *FS) AddPackage(p debian.Package, deb string) (Installed, error) {
	entries, err := debian.Contents(deb)
	if err != nil {
		return Installed{}, err
	}
	control, err := debian.Control(deb)
	if err != nil {
		return Installed{}, err
	}
	in := Installed{Package: p, Control: control}
	var links []debian.Entry
	for _, e := range entries {
		name := strings.TrimSuffix(e.Header.Name, "/")
		if !keep(name) {
			continue
		}
		switch e.Header.Typeflag {
		case tar.TypeDir:
			// Created as parents of what is kept; empty directories are left out.
			continue
		case tar.TypeReg:
			f.File(name, e.Header.Mode&0o7777, e.Data)
			if strings.HasSuffix(name, "/copyright") && strings.HasPrefix(name, "usr/share/doc/"+p.Name+"/") {
				in.Copyright, in.Licenses = true, debian.Licenses(e.Data)
			}
		case tar.TypeSymlink:
			f.Symlink(name, e.Header.Linkname)
		case tar.TypeLink:
			links = append(links, e)
		default:
			return Installed{}, fmt.Errorf("%s: %s has an unexpected type %c", deb, name, e.Header.Typeflag)
		}
	}
	for _, e := range links {
		if err := f.Hardlink(e.Header.Name, e.Header.Linkname); err != nil {
			return Installed{}, fmt.Errorf("%s: %v", deb, err)
		}
	}
	return in, nil
}

// Finish adds what the packages' maintainer scripts and base-files would have made: the CA
// bundle (update-ca-certificates concatenates the certificates the same way), the non-root
// user, /tmp, name-service configuration, os-release, and dpkg's status.d records that image
// scanners read to list the packages.
func (f *FS) Finish(pkgs []Installed, certs map[string][]byte, osRelease string) {
	if len(certs) > 0 {
		names := make([]string, 0, len(certs))
		for n := range certs {
			names = append(names, n)
		}
		sort.Strings(names)
		var bundle bytes.Buffer
		for _, n := range names {
			c := certs[n]
			bundle.Write(c)
			if len(c) > 0 && c[len(c)-1] != '\n' {
				bundle.WriteByte('\n')
			}
		}
		f.File("etc/ssl/certs/ca-certificates.crt", 0o644, bundle.Bytes())
	}
	f.File("etc/passwd", 0o644, []byte(fmt.Sprintf("root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:%d:%d:nonroot:/home/nonroot:/sbin/nologin\n", NonRoot, NonRoot)))
	f.File("etc/group", 0o644, []byte(fmt.Sprintf("root:x:0:\nnogroup:x:65534:\nnonroot:x:%d:\n", NonRoot)))
	f.File("etc/nsswitch.conf", 0o644, []byte("passwd: files\ngroup: files\nshadow: files\nhosts: files dns\nnetworks: files\nprotocols: files\nservices: files\n"))
	f.File("etc/os-release", 0o644, []byte(osRelease))
	f.Dir("tmp", 0o1777, 0, 0)
	f.Dir("root", 0o700, 0, 0)
	f.Dir("home/nonroot", 0o700, NonRoot, NonRoot)
	for _, p := range pkgs {
		f.File("var/lib/dpkg/status.d/"+p.Name, 0o644, []byte(p.Control))
	}
}

// Certificates returns the PEM certificates a ca-certificates package ships, by file name.
func Certificates(deb string) (map[string][]byte, error) {
	entries, err := debian.Contents(deb)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, e := range entries {
		if e.Header.Typeflag == tar.TypeReg && strings.HasPrefix(e.Header.Name, "usr/share/ca-certificates/") && strings.HasSuffix(e.Header.Name, ".crt") {
			out[strings.TrimPrefix(e.Header.Name, "usr/share/ca-certificates/")] = e.Data
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s holds no certificates under usr/share/ca-certificates", deb)
	}
	return out, nil
}
