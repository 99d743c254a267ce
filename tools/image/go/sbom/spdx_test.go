package sbom

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"tapacme/tools/image/debian"
	"tapacme/tools/image/rootfs"
)

func TestWrite(t *testing.T) {
	pkgs := []rootfs.Installed{
		{Package: debian.Package{Name: "libc6", Version: "2.36-9+deb12u14", Arch: "arm64", Source: "glibc", Filename: "pool/main/g/glibc/libc6.deb"}},
		{Package: debian.Package{Name: "ca-certificates", Version: "20250419~deb12u2", Arch: "all", Source: "ca-certificates"}, Licenses: []string{"GPL-2+", "MPL-2.0"}},
	}
	data, err := Write(Image{Name: "kubectl-tapacme", Version: "0.1.0", Repository: "ghcr.io/tapacme/kubectl-tapacme", Digest: "sha256:ab", OS: "linux", Arch: "arm64",
		Distro: "debian-12", Mirror: "http://deb.debian.org/debian", Created: time.Unix(1700000000, 0)},
		pkgs, map[string]string{"libc6": "1111", "ca-certificates": "2222"},
		[]Component{{Name: "yaml", Version: "2.9.1", License: "ISC", PURL: "pkg:npm/yaml@2.9.1"}})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		SPDXVersion string `json:"spdxVersion"`
		Created     struct {
			Created string `json:"created"`
		} `json:"creationInfo"`
		Packages []struct {
			Name, SPDXID, VersionInfo, LicenseDeclared, DownloadLocation string
			ExternalRefs                                                 []struct{ ReferenceLocator string }
			Checksums                                                    []struct{ ChecksumValue string }
		} `json:"packages"`
		Relationships []struct{ SpdxElementID, RelationshipType, RelatedSpdxElement string } `json:"relationships"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.SPDXVersion != "SPDX-2.3" || doc.Created.Created != "2023-11-14T22:13:20Z" {
		t.Fatalf("version %s, created %s", doc.SPDXVersion, doc.Created.Created)
	}
	byName := map[string]int{}
	for i, p := range doc.Packages {
		byName[p.Name] = i
	}
	libc := doc.Packages[byName["libc6"]]
	if libc.LicenseDeclared != "NOASSERTION" || libc.Checksums[0].ChecksumValue != "1111" || libc.DownloadLocation != "http://deb.debian.org/debian/pool/main/g/glibc/libc6.deb" ||
		libc.ExternalRefs[0].ReferenceLocator != "pkg:deb/debian/libc6@2.36-9+deb12u14?arch=arm64&distro=debian-12" {
		t.Errorf("libc6: %+v", libc)
	}
	if ca := doc.Packages[byName["ca-certificates"]]; ca.LicenseDeclared != "GPL-2.0-or-later AND MPL-2.0" || !strings.Contains(ca.ExternalRefs[0].ReferenceLocator, "20250419~deb12u2?arch=all") {
		t.Errorf("ca-certificates: %+v", ca)
	}
	if y := doc.Packages[byName["yaml"]]; y.LicenseDeclared != "ISC" || y.VersionInfo != "2.9.1" {
		t.Errorf("yaml: %+v", y)
	}
	contains := 0
	for _, r := range doc.Relationships {
		if r.RelationshipType == "CONTAINS" && r.SpdxElementID == doc.Packages[0].SPDXID {
			contains++
		}
	}
	if contains != 3 || doc.Packages[0].Checksums[0].ChecksumValue != "ab" {
		t.Errorf("the image %+v CONTAINS %d packages, want 3", doc.Packages[0], contains)
	}
}
