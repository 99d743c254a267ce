package debian

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ulikunitz/xz"
)

const release = `Origin: Debian
Codename: bookworm
MD5Sum:
 0123 100 main/binary-amd64/Packages.xz
SHA256:
 aaaa 7 main/binary-arm64/Packages.xz
 bbbb 8790396 main/binary-amd64/Packages.xz
 cccc 50060337 main/binary-amd64/Packages
`

func TestReleaseEntry(t *testing.T) {
	sum, size, err := releaseEntry(release, "main/binary-amd64/Packages.xz")
	if err != nil || sum != "bbbb" || size != 8790396 {
		t.Fatalf("got %q %d %v, want the SHA256 section's bbbb 8790396 (not MD5Sum's)", sum, size, err)
	}
	if _, _, err := releaseEntry(release, "main/binary-s390x/Packages.xz"); err == nil {
		t.Fatal("an entry the Release file does not list was found")
	}
}

func TestReadPackages(t *testing.T) {
	stanzas := "Package: libc6\nSource: glibc (2.36-9)\nVersion: 2.36-9+deb12u14\nArchitecture: amd64\nDescription: GNU C Library\n continued line: not a field\nFilename: pool/main/g/glibc/libc6_2.36-9+deb12u14_amd64.deb\nSize: 2758240\nSHA256: abcd\n\n" +
		"Package: ca-certificates\nVersion: 20230311\nArchitecture: all\nFilename: pool/main/c/ca-certificates/ca-certificates_20230311_all.deb\nSHA256: ef01\n"
	file := filepath.Join(t.TempDir(), "Packages.xz")
	f, _ := os.Create(file)
	w, err := xz.NewWriter(f)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(stanzas))
	w.Close()
	f.Close()
	got, err := readPackages(file)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Package{
		"libc6":           {Name: "libc6", Version: "2.36-9+deb12u14", Arch: "amd64", Source: "glibc", Filename: "pool/main/g/glibc/libc6_2.36-9+deb12u14_amd64.deb", SHA256: "abcd", Size: 2758240},
		"ca-certificates": {Name: "ca-certificates", Version: "20230311", Arch: "all", Source: "ca-certificates", Filename: "pool/main/c/ca-certificates/ca-certificates_20230311_all.deb", SHA256: "ef01"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}

func TestLicenses(t *testing.T) {
	dep5 := []byte("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: GPL-2+\n\nFiles: mozilla/*\nLicense: MPL-2.0\n\nLicense: GPL-2+\n On Debian systems ...\n")
	if got := Licenses(dep5); !reflect.DeepEqual(got, []string{"GPL-2+", "MPL-2.0"}) {
		t.Fatalf("DEP-5: %v", got)
	}
	if got := Licenses([]byte("This is the Debian prepackaged version of the GNU C Library.\nLicense: see below\n")); got != nil {
		t.Fatalf("a free-form file declared %v; it declares nothing machine-readable", got)
	}
}
