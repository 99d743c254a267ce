package oci

import (
	"encoding/pem"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"tapacme/tools/image/rootfs"
)

func testIndex(t *testing.T) v1.ImageIndex {
	t.Helper()
	var imgs []v1.Image
	var plats []v1.Platform
	for _, arch := range []string{"amd64", "arm64"} {
		fs := rootfs.New(time.Unix(1700000000, 0))
		fs.File("etc/arch", 0o644, []byte(arch))
		base, err := fs.Tar()
		if err != nil {
			t.Fatal(err)
		}
		p := v1.Platform{OS: "linux", Architecture: arch}
		img, err := Variant{Platform: p, Base: base, App: base, Entrypoint: []string{"/x"}, User: "65532:65532",
			Labels: map[string]string{"org.opencontainers.image.version": "1"}, Created: time.Unix(1700000000, 0)}.Image()
		if err != nil {
			t.Fatal(err)
		}
		imgs, plats = append(imgs, img), append(plats, p)
	}
	idx, err := Index(imgs, plats, map[string]string{"org.opencontainers.image.version": "1"})
	if err != nil {
		t.Fatal(err)
	}
	return idx
}

// The layout round-trips, and a push over TLS with a CA file lands the same digests: the whole
// index, or one platform's image alone.
func TestLayoutAndPush(t *testing.T) {
	idx := testIndex(t)
	dir := filepath.Join(t.TempDir(), "oci")
	if err := WriteLayout(dir, idx, "1.0"); err != nil {
		t.Fatal(err)
	}
	back, tag, err := ReadLayout(dir)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := idx.Digest()
	if got, _ := back.Digest(); got != want || tag != "1.0" {
		t.Fatalf("layout holds %s tagged %q, want %s tagged 1.0", got, tag, want)
	}

	srv := httptest.NewTLSServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(srv.URL, "https://")
	if _, err := Push(back, host+"/tap/kubectl-tapacme:1.0", nil, Registry{}); err == nil {
		t.Fatal("a push without the registry's CA succeeded")
	}
	got, err := Push(back, host+"/tap/kubectl-tapacme:1.0", nil, Registry{CAFile: ca})
	if err != nil || got != want {
		t.Fatalf("push: %v, digest %s, want %s", err, got, want)
	}
	opts, _ := Registry{CAFile: ca}.options()
	ref, _ := name.ParseReference(host + "/tap/kubectl-tapacme:1.0")
	d, err := remote.Head(ref, opts...)
	if err != nil || d.Digest != want {
		t.Fatalf("the registry has %v (%v), want %s", d, err, want)
	}
	amd, err := Push(back, host+"/tap/amd64:1.0", &v1.Platform{OS: "linux", Architecture: "amd64"}, Registry{CAFile: ca})
	if err != nil {
		t.Fatal(err)
	}
	img, _ := PlatformImage(idx, v1.Platform{OS: "linux", Architecture: "amd64"})
	if wantImg, _ := img.Digest(); amd != wantImg {
		t.Fatalf("pushed linux/amd64 as %s, want %s", amd, wantImg)
	}
}

// The same input gives the same digest (time stamps, order and owners are fixed).
func TestReproducible(t *testing.T) {
	a, _ := testIndex(t).Digest()
	b, _ := testIndex(t).Digest()
	if a != b {
		t.Fatalf("two builds of the same input: %s and %s", a, b)
	}
}

// Each SBOM artifact names its image as subject, survives the layout, and is pushed only with
// its image, where the registry lists it among that image's referrers.
func TestSBOMReferrers(t *testing.T) {
	idx := testIndex(t)
	amd64 := v1.Platform{OS: "linux", Architecture: "amd64"}
	var arts []v1.Image
	for _, p := range []v1.Platform{amd64, {OS: "linux", Architecture: "arm64"}} {
		img, _ := PlatformImage(idx, p)
		a, err := SBOMArtifact([]byte(`{"spdxVersion":"SPDX-2.3","name":"`+p.Architecture+`"}`), p.Architecture+".spdx.json", img, nil)
		if err != nil {
			t.Fatal(err)
		}
		arts = append(arts, a)
	}
	dir := filepath.Join(t.TempDir(), "sbom")
	if err := WriteArtifacts(dir, arts); err != nil {
		t.Fatal(err)
	}
	back, err := ReadArtifacts(dir)
	if err != nil || len(back) != 2 {
		t.Fatalf("read %d artifacts (%v), want 2", len(back), err)
	}
	m, _ := back[0].Manifest()
	cfg, _ := back[0].RawConfigFile()
	if m.ArtifactType != SPDXJSON || m.Config.MediaType != "application/vnd.oci.empty.v1+json" || string(cfg) != "{}" || len(m.Layers) != 1 || m.Layers[0].MediaType != SPDXJSON {
		t.Fatalf("artifact manifest %+v, config %q", m, cfg)
	}

	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	ref := strings.TrimPrefix(srv.URL, "http://") + "/tap/kubectl-tapacme:1.0"
	if _, err := Push(idx, ref, &amd64, Registry{}); err != nil {
		t.Fatal(err)
	}
	subjects, _ := Subjects(idx, &amd64)
	n, err := PushArtifacts(back, ref, subjects, Registry{})
	if err != nil || n != 1 {
		t.Fatalf("pushed %d artifacts (%v), want only linux/amd64's", n, err)
	}
	img, _ := PlatformImage(idx, amd64)
	d, _ := img.Digest()
	r, _ := name.ParseReference(ref)
	refs, err := remote.Referrers(r.Context().Digest(d.String()))
	if err != nil {
		t.Fatal(err)
	}
	rm, _ := refs.IndexManifest()
	if len(rm.Manifests) != 1 || rm.Manifests[0].ArtifactType != SPDXJSON {
		t.Fatalf("referrers of %s: %+v, want the one SPDX artifact", d, rm.Manifests)
	}
}
