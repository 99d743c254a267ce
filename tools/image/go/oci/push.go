package oci

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

func errLayout(dir string, n int) error {
	return fmt.Errorf("%s: the layout's index.json lists %d entries; expected the one image index that `pnpm release:image` writes", dir, n)
}

// Registry says how to reach a registry: extra CAs and credentials. Without credentials the
// Docker config (~/.docker/config.json, credential helpers) is asked, as crane does.
type Registry struct {
	CAFile, Username, PasswordFile string
}

func (r Registry) options() ([]remote.Option, error) {
	var opts []remote.Option
	if r.CAFile != "" {
		pem, err := os.ReadFile(r.CAFile)
		if err != nil {
			return nil, err
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s holds no PEM certificate", r.CAFile)
		}
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		opts = append(opts, remote.WithTransport(t))
	}
	if r.Username != "" {
		pass, err := os.ReadFile(r.PasswordFile)
		if err != nil {
			return nil, fmt.Errorf("password file: %v", err)
		}
		return append(opts, remote.WithAuth(authn.FromConfig(authn.AuthConfig{Username: r.Username, Password: strings.TrimRight(string(pass), "\r\n")}))), nil
	}
	return append(opts, remote.WithAuthFromKeychain(authn.DefaultKeychain)), nil
}

// Push writes the index (or, with platform set, only that platform's image) to ref and returns
// the pushed digest.
func Push(idx v1.ImageIndex, ref string, platform *v1.Platform, reg Registry) (v1.Hash, error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return v1.Hash{}, err
	}
	opts, err := reg.options()
	if err != nil {
		return v1.Hash{}, err
	}
	if platform == nil {
		if err := remote.WriteIndex(r, idx, opts...); err != nil {
			return v1.Hash{}, err
		}
		return idx.Digest()
	}
	img, err := PlatformImage(idx, *platform)
	if err != nil {
		return v1.Hash{}, err
	}
	if err := remote.Write(r, img, opts...); err != nil {
		return v1.Hash{}, err
	}
	return img.Digest()
}

// PlatformImage returns the index's image for the platform.
func PlatformImage(idx v1.ImageIndex, p v1.Platform) (v1.Image, error) {
	m, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	for _, d := range m.Manifests {
		if d.Platform != nil && d.Platform.OS == p.OS && d.Platform.Architecture == p.Architecture {
			return idx.Image(d.Digest)
		}
	}
	return nil, fmt.Errorf("the index has no %s/%s image", p.OS, p.Architecture)
}

// PushArtifacts writes each artifact whose subject is one of subjects into the repository of
// ref, by digest; go-containerregistry records it among the subject's referrers.
func PushArtifacts(arts []v1.Image, ref string, subjects map[v1.Hash]bool, reg Registry) (int, error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return 0, err
	}
	opts, err := reg.options()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, a := range arts {
		m, err := a.Manifest()
		if err != nil {
			return n, err
		}
		if m.Subject == nil || !subjects[m.Subject.Digest] {
			continue
		}
		d, err := a.Digest()
		if err != nil {
			return n, err
		}
		if err := remote.Write(r.Context().Digest(d.String()), a, opts...); err != nil {
			return n, fmt.Errorf("the artifact for %s: %v", m.Subject.Digest, err)
		}
		n++
	}
	return n, nil
}

// Subjects returns the digests of what a push of idx (or of its platform image) puts into the
// registry: the index and its images, or that one image.
func Subjects(idx v1.ImageIndex, platform *v1.Platform) (map[v1.Hash]bool, error) {
	out := map[v1.Hash]bool{}
	if platform != nil {
		img, err := PlatformImage(idx, *platform)
		if err != nil {
			return nil, err
		}
		d, err := img.Digest()
		out[d] = true
		return out, err
	}
	m, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	for _, d := range m.Manifests {
		out[d.Digest] = true
	}
	d, err := idx.Digest()
	out[d] = true
	return out, err
}
