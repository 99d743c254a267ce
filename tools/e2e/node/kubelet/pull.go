package kubelet

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// Puller fetches images from registries and unpacks them, one folder per image digest.
type Puller struct {
	Transport http.RoundTripper // trusts the registry's CA
	Dir       string            // images/<digest>/rootfs

	mu sync.Mutex // one unpack at a time per node is plenty
}

// Image is a pulled and unpacked image.
type Image struct {
	Digest string
	Rootfs string
	Config v1.Config
	Size   int64
}

// Repository is the part of an image reference the keyring matches: host[:port]/path.
func Repository(image string) (string, error) {
	ref, err := name.ParseReference(image)
	if err != nil {
		return "", err
	}
	return ref.Context().RegistryStr() + "/" + ref.Context().RepositoryStr(), nil
}

// Pull fetches the image's manifest with each credential in turn (anonymously when there are
// none), as kubelet does, and unpacks its layers unless that digest is unpacked already. The
// manifest is fetched for every Pod, so a Pod's own credentials decide whether it gets the
// image, never what another Pod pulled before.
func (p *Puller) Pull(ctx context.Context, image string, creds []Credential) (*Image, error) {
	ref, err := name.ParseReference(image)
	if err != nil {
		return nil, fmt.Errorf("failed to pull and unpack image %q: invalid reference: %w", image, err)
	}
	auths := []authn.Authenticator{authn.Anonymous}
	if len(creds) > 0 {
		auths = auths[:0]
		for _, c := range creds {
			auths = append(auths, authn.FromConfig(authn.AuthConfig{Username: c.Username, Password: c.Password}))
		}
	}
	var img v1.Image
	var lastErr error
	for _, a := range auths {
		img, lastErr = remote.Image(ref, remote.WithAuth(a), remote.WithTransport(p.Transport), remote.WithContext(ctx),
			remote.WithPlatform(v1.Platform{OS: "linux", Architecture: "amd64"}))
		if lastErr == nil {
			break
		}
	}
	if lastErr != nil {
		return nil, fmt.Errorf("failed to pull and unpack image %q: %s", image, describe(lastErr))
	}
	return p.unpack(image, img)
}

// describe words registry errors as containerd does, with the HTTP status kubelet's events show.
func describe(err error) string {
	var te *transport.Error
	if errors.As(err, &te) {
		req := "request"
		if te.Request != nil {
			req = te.Request.Method + " request to " + te.Request.URL.String()
		}
		return fmt.Sprintf("failed to resolve reference: unexpected status from %s: %d %s", req, te.StatusCode, http.StatusText(te.StatusCode))
	}
	return err.Error()
}

func (p *Puller) unpack(image string, img v1.Image) (*Image, error) {
	fail := func(err error) (*Image, error) {
		return nil, fmt.Errorf("failed to pull and unpack image %q: %w", image, err)
	}
	digest, err := img.Digest()
	if err != nil {
		return fail(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return fail(err)
	}
	size, err := imageSize(img)
	if err != nil {
		return fail(err)
	}
	out := &Image{Digest: digest.String(), Config: cf.Config, Size: size,
		Rootfs: filepath.Join(p.Dir, digest.Algorithm+"-"+digest.Hex, "rootfs")}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, err := os.Stat(filepath.Join(filepath.Dir(out.Rootfs), ".done")); err == nil {
		return out, nil
	}
	tmp := out.Rootfs + ".tmp"
	_ = os.RemoveAll(tmp)
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return fail(err)
	}
	// mutate.Extract flattens the layers and applies whiteouts.
	rc := mutate.Extract(img)
	err = untar(rc, tmp)
	rc.Close()
	if err != nil {
		_ = os.RemoveAll(tmp)
		return fail(err)
	}
	_ = os.RemoveAll(out.Rootfs)
	if err := os.Rename(tmp, out.Rootfs); err != nil {
		return fail(err)
	}
	if err := os.WriteFile(filepath.Join(filepath.Dir(out.Rootfs), ".done"), nil, 0o644); err != nil {
		return fail(err)
	}
	return out, nil
}

func imageSize(img v1.Image) (int64, error) {
	layers, err := img.Layers()
	if err != nil {
		return 0, err
	}
	var n int64
	for _, l := range layers {
		s, err := l.Size()
		if err != nil {
			return 0, err
		}
		n += s
	}
	return n, nil
}

// untar writes a flattened image filesystem under dir, keeping modes and owners. Entries
// never land outside dir: names are cleaned against "/" first.
func untar(r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.Clean("/"+h.Name))
		if target == dir {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		mode := os.FileMode(h.Mode & 0o777)
		for bit, m := range map[int64]os.FileMode{0o4000: os.ModeSetuid, 0o2000: os.ModeSetgid, 0o1000: os.ModeSticky} {
			if h.Mode&bit != 0 {
				mode |= m
			}
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			f, err := os.OpenFile(target, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		case tar.TypeSymlink:
			_ = os.Remove(target)
			if err := os.Symlink(h.Linkname, target); err != nil {
				return err
			}
			continue
		case tar.TypeLink:
			src := filepath.Join(dir, filepath.Clean("/"+h.Linkname))
			_ = os.Remove(target)
			if err := os.Link(src, target); err != nil {
				return err
			}
			continue
		default:
			continue // devices and fifos: a container image for tests needs none
		}
		if err := os.Lchown(target, h.Uid, h.Gid); err != nil && !strings.Contains(err.Error(), "not permitted") {
			return err
		}
		if err := os.Chmod(target, mode); err != nil {
			return err
		}
	}
}
