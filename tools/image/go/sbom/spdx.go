// Package sbom writes an SPDX 2.3 document of what one image variant holds: the Debian packages
// as unpacked into its root filesystem and the components of the executable, as the release
// build lists them. Written with spdx/tools-golang, the SPDX project's own Go model.
package sbom

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx/v2/common"
	spdx "github.com/spdx/tools-golang/spdx/v2/v2_3"

	"tapacme/tools/image/rootfs"
)

// Component is a part of the executable (the CLI, Node.js, a bundled npm package).
type Component struct {
	Name             string `json:"name"`
	Version          string `json:"version"`
	License          string `json:"license"` // SPDX expression, or "" when not known
	PURL             string `json:"purl"`
	DownloadLocation string `json:"downloadLocation"`
	Supplier         string `json:"supplier,omitempty"` // "Organization: ..." or "Person: ..."
	Comment          string `json:"comment,omitempty"`
}

// Image describes the image variant the document is about.
type Image struct {
	Name, Version, Repository, Digest, OS, Arch, Distro, Mirror string
	Created                                                     time.Time
}

var idChars = regexp.MustCompile(`[^A-Za-z0-9.-]+`)

func id(kind, name string) common.ElementID {
	return common.ElementID(kind + "-" + strings.Trim(idChars.ReplaceAllString(name, "-"), "-"))
}

// Debian's short licence names (copyright-format 1.0) as SPDX identifiers, where they differ.
var debianToSPDX = map[string]string{
	"GPL-2+": "GPL-2.0-or-later", "GPL-2": "GPL-2.0-only", "GPL-3+": "GPL-3.0-or-later", "GPL-3": "GPL-3.0-only",
	"LGPL-2.1+": "LGPL-2.1-or-later", "LGPL-2.1": "LGPL-2.1-only", "LGPL-2+": "LGPL-2.0-or-later",
	"MPL-2.0": "MPL-2.0", "Expat": "MIT", "BSD-3-clause": "BSD-3-Clause", "BSD-2-clause": "BSD-2-Clause",
}

func debianLicense(p rootfs.Installed) (string, string) {
	if len(p.Licenses) == 0 {
		return "NOASSERTION", fmt.Sprintf("The copyright file is not machine-readable; its terms are in /usr/share/doc/%s/copyright in the image.", p.Name)
	}
	var parts []string
	for _, l := range p.Licenses {
		if s, ok := debianToSPDX[l]; ok {
			parts = append(parts, s)
		} else {
			parts = append(parts, "LicenseRef-"+strings.Trim(idChars.ReplaceAllString(l, "-"), "-"))
		}
	}
	return strings.Join(parts, " AND "), fmt.Sprintf("Declared by the License fields of /usr/share/doc/%s/copyright.", p.Name)
}

// Write returns the SPDX JSON document.
func Write(img Image, pkgs []rootfs.Installed, debSHA256 map[string]string, comps []Component) ([]byte, error) {
	imageID := id("Image", img.Name+"-"+img.Arch)
	name := fmt.Sprintf("%s-%s-%s-%s", img.Name, img.Version, img.OS, img.Arch)
	doc := &spdx.Document{
		SPDXVersion:       spdx.Version,
		DataLicense:       spdx.DataLicense,
		SPDXIdentifier:    "DOCUMENT",
		DocumentName:      name,
		DocumentNamespace: fmt.Sprintf("https://spdx.org/spdxdocs/%s-%s", name, strings.TrimPrefix(img.Digest, "sha256:")),
		CreationInfo: &spdx.CreationInfo{
			Creators: []common.Creator{{CreatorType: "Tool", Creator: "tapacme-image"}},
			Created:  img.Created.UTC().Format(time.RFC3339),
		},
	}
	rel := func(a common.ElementID, kind string, b common.ElementID) {
		doc.Relationships = append(doc.Relationships, &spdx.Relationship{RefA: common.MakeDocElementID("", string(a)), RefB: common.MakeDocElementID("", string(b)), Relationship: kind})
	}
	doc.Packages = append(doc.Packages, &spdx.Package{
		PackageName: img.Name, PackageSPDXIdentifier: imageID, PackageVersion: img.Version,
		PackageDownloadLocation: "NOASSERTION", PackageLicenseConcluded: "NOASSERTION", PackageLicenseDeclared: "NOASSERTION",
		PackageCopyrightText: "NOASSERTION", PrimaryPackagePurpose: "CONTAINER",
		PackageChecksums: []common.Checksum{{Algorithm: common.SHA256, Value: strings.TrimPrefix(img.Digest, "sha256:")}},
		PackageExternalReferences: []*spdx.PackageExternalReference{{Category: "PACKAGE-MANAGER", RefType: "purl",
			Locator: fmt.Sprintf("pkg:oci/%s@%s?arch=%s&repository_url=%s", img.Name, url.QueryEscape(img.Digest), img.Arch, url.QueryEscape(img.Repository))}},
		PackageComment: fmt.Sprintf("The %s/%s variant of the image.", img.OS, img.Arch),
		BuiltDate:      img.Created.UTC().Format(time.RFC3339),
	})
	rel("DOCUMENT", "DESCRIBES", imageID)
	for _, p := range pkgs {
		lic, note := debianLicense(p)
		pid := id("DebianPackage", p.Name)
		doc.Packages = append(doc.Packages, &spdx.Package{
			PackageName: p.Name, PackageSPDXIdentifier: pid, PackageVersion: p.Version,
			PackageSupplier:         &common.Supplier{SupplierType: "Organization", Supplier: "Debian"},
			PackageDownloadLocation: img.Mirror + "/" + p.Filename,
			PackageChecksums:        []common.Checksum{{Algorithm: common.SHA256, Value: debSHA256[p.Name]}},
			PackageLicenseConcluded: "NOASSERTION", PackageLicenseDeclared: lic, PackageLicenseComments: note,
			PackageCopyrightText: "NOASSERTION", PackageSourceInfo: "built from the Debian source package " + p.Source,
			PackageHomePage: p.Homepage, PrimaryPackagePurpose: "LIBRARY",
			PackageExternalReferences: []*spdx.PackageExternalReference{{Category: "PACKAGE-MANAGER", RefType: "purl",
				Locator: fmt.Sprintf("pkg:deb/debian/%s@%s?arch=%s&distro=%s", p.Name, url.PathEscape(p.Version), p.Arch, img.Distro)}},
		})
		rel(imageID, "CONTAINS", pid)
	}
	for _, c := range comps {
		cid := id("Component", c.Name)
		lic := c.License
		if lic == "" {
			lic = "NOASSERTION"
		}
		supplier := &common.Supplier{Supplier: "NOASSERTION"}
		if t, s, ok := strings.Cut(c.Supplier, ":"); ok {
			supplier = &common.Supplier{SupplierType: strings.TrimSpace(t), Supplier: strings.TrimSpace(s)}
		}
		dl := c.DownloadLocation
		if dl == "" {
			dl = "NOASSERTION"
		}
		doc.Packages = append(doc.Packages, &spdx.Package{
			PackageName: c.Name, PackageSPDXIdentifier: cid, PackageVersion: c.Version, PackageSupplier: supplier,
			PackageDownloadLocation: dl, PackageLicenseConcluded: "NOASSERTION", PackageLicenseDeclared: lic,
			PackageCopyrightText: "NOASSERTION", PackageComment: c.Comment, PrimaryPackagePurpose: "LIBRARY",
			PackageExternalReferences: []*spdx.PackageExternalReference{{Category: "PACKAGE-MANAGER", RefType: "purl", Locator: c.PURL}},
		})
		rel(imageID, "CONTAINS", cid)
	}
	var buf bytes.Buffer
	if err := spdxjson.Write(doc, &buf, spdxjson.Indent("  ")); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
