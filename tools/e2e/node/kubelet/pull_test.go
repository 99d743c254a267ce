package kubelet

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"tapacme/tools/e2e/node/oci"
)

// privateRegistry is go-containerregistry's registry behind HTTP basic auth, as the rig's
// distribution registry is configured (htpasswd): anonymous requests get 401.
func privateRegistry(t *testing.T) (host string, ok Credential) {
	t.Helper()
	ok = Credential{Username: "tap", Password: "s3cret"}
	inner := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, has := r.BasicAuth(); !has || u != ok.Username || p != ok.Password {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			http.Error(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`, http.StatusUnauthorized)
			return
		}
		inner.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://"), ok
}

// pushSolverImage pushes an image built the way the rig builds the acmesolver image.
func pushSolverImage(t *testing.T, host string, c Credential) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "acmesolver")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\necho solver\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	img, err := oci.Binary{File: bin, Entrypoint: "/app/cmd/acmesolver/acmesolver", User: "1000"}.Image()
	if err != nil {
		t.Fatal(err)
	}
	ref := host + "/tap/cert-manager-acmesolver:v1.11.5"
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img, remote.WithAuth(authn.FromConfig(authn.AuthConfig{Username: c.Username, Password: c.Password}))); err != nil {
		t.Fatal(err)
	}
	return ref
}

func TestPullNeedsTheRegistrysCredentials(t *testing.T) {
	host, good := privateRegistry(t)
	ref := pushSolverImage(t, host, good)
	p := &Puller{Transport: http.DefaultTransport, Dir: t.TempDir()}
	ctx := context.Background()

	for what, creds := range map[string][]Credential{
		"anonymous":      nil,
		"wrong password": {{Username: "tap", Password: "nope"}},
	} {
		_, err := p.Pull(ctx, ref, creds)
		if err == nil || !strings.Contains(err.Error(), "401 Unauthorized") || !strings.HasPrefix(err.Error(), `failed to pull and unpack image "`+ref+`"`) {
			t.Errorf("%s: want a 401 pull failure, got %v", what, err)
		}
	}
	if _, err := p.Pull(ctx, host+"/tap/missing:v1", []Credential{good}); err == nil || !strings.Contains(err.Error(), "404 Not Found") {
		t.Errorf("missing image: want 404, got %v", err)
	}

	// A wrong credential first, the right one second: kubelet tries each in turn.
	img, err := p.Pull(ctx, ref, []Credential{{Username: "tap", Password: "nope"}, good})
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(img.Rootfs, "app/cmd/acmesolver/acmesolver"))
	if err != nil || st.Mode().Perm() != 0o755 {
		t.Fatalf("entrypoint not unpacked executable: %v %v", st, err)
	}
	if st, err := os.Stat(filepath.Join(img.Rootfs, "tmp")); err != nil || st.Mode()&os.ModeSticky == 0 {
		t.Errorf("/tmp should be sticky: %v %v", st, err)
	}
	if img.Config.User != "1000" || len(img.Config.Entrypoint) != 1 || img.Config.Entrypoint[0] != "/app/cmd/acmesolver/acmesolver" {
		t.Errorf("config: %+v", img.Config)
	}
	if img.Size <= 0 || !strings.HasPrefix(img.Digest, "sha256:") {
		t.Errorf("size %d digest %q", img.Size, img.Digest)
	}

	// Unpacked once; the next Pod still needs its own credentials for the manifest.
	if _, err := p.Pull(ctx, ref, nil); err == nil {
		t.Error("an unpacked image was handed to a Pod without credentials")
	}
	again, err := p.Pull(ctx, ref, []Credential{good})
	if err != nil || again.Rootfs != img.Rootfs {
		t.Errorf("second pull: %v, rootfs %q vs %q", err, again.Rootfs, img.Rootfs)
	}
}

func TestImageIsReproducible(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "x")
	if err := os.WriteFile(bin, []byte("x"), 0o755); err != nil {
		t.Fatal(err)
	}
	b := oci.Binary{File: bin, Entrypoint: "/x", User: "1000", Labels: map[string]string{"org.opencontainers.image.version": "v1"}}
	a1, err := b.Image()
	if err != nil {
		t.Fatal(err)
	}
	a2, _ := b.Image()
	d1, _ := a1.Digest()
	d2, _ := a2.Digest()
	if d1 != d2 {
		t.Errorf("digests differ: %s %s", d1, d2)
	}
	m, _ := a1.MediaType()
	if m != "application/vnd.oci.image.manifest.v1+json" {
		t.Errorf("media type %s", m)
	}
	if _, err := (oci.Binary{File: bin, Entrypoint: "x"}).Image(); err == nil {
		t.Error("a relative entrypoint was accepted")
	}
}
