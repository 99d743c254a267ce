// Package oci assembles the OCI images the rig serves from its registry, with go-containerregistry.
package oci

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Binary describes an image that holds one static executable, as cert-manager's own images
// (distroless static) hold theirs.
type Binary struct {
	File       string            // the executable on this machine
	Entrypoint string            // its path in the image, e.g. /app/cmd/acmesolver/acmesolver
	User       string            // numeric, e.g. "1000"
	Labels     map[string]string // OCI annotations of the config
}

// epoch keeps the image reproducible: the same binary gives the same digest.
var epoch = time.Unix(0, 0).UTC()

// Image builds a single-layer linux/amd64 OCI image: the executable, /tmp and an /etc/passwd
// naming the user, with the executable as entrypoint.
func (b Binary) Image() (v1.Image, error) {
	if !strings.HasPrefix(b.Entrypoint, "/") {
		return nil, fmt.Errorf("entrypoint %q must be an absolute path", b.Entrypoint)
	}
	bin, err := os.ReadFile(b.File)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	dirs := map[string]bool{}
	addDir := func(d string, mode int64) error {
		if d == "/" || d == "." || dirs[d] {
			return nil
		}
		dirs[d] = true
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: strings.TrimPrefix(d, "/") + "/", Mode: mode, ModTime: epoch})
	}
	addFile := func(p string, mode int64, data []byte) error {
		for _, d := range parents(p) {
			if err := addDir(d, 0o755); err != nil {
				return err
			}
		}
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: strings.TrimPrefix(p, "/"), Mode: mode, Size: int64(len(data)), ModTime: epoch}); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	if err := addDir("/tmp", 0o1777); err != nil {
		return nil, err
	}
	passwd := fmt.Sprintf("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:%s:%s:nonroot:/home/nonroot:/sbin/nologin\n", b.User, b.User)
	if err := addFile("/etc/passwd", 0o644, []byte(passwd)); err != nil {
		return nil, err
	}
	if err := addFile(b.Entrypoint, 0o755, bin); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
		tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.Append(img, mutate.Addendum{Layer: layer, History: v1.History{Created: v1.Time{Time: epoch}, CreatedBy: "tapacme e2e: " + path.Base(b.Entrypoint)}})
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Created = "linux", "amd64", v1.Time{Time: epoch}
	cf.Config.Entrypoint = []string{b.Entrypoint}
	cf.Config.User = b.User
	cf.Config.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
	cf.Config.Labels = b.Labels
	return mutate.ConfigFile(img, cf)
}

func parents(p string) []string {
	var out []string
	for d := path.Dir(p); d != "/" && d != "."; d = path.Dir(d) {
		out = append([]string{d}, out...)
	}
	return out
}
