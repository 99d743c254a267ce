// Package oci assembles the image variants into an OCI image index with go-containerregistry,
// writes it as an OCI layout and pushes it.
package oci

import (
	"bytes"
	"io"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Variant is one platform's image: a base layer (the root filesystem) and an application layer.
type Variant struct {
	Platform    v1.Platform
	Base, App   []byte // uncompressed tar layers
	Entrypoint  []string
	User        string
	Env         []string
	Labels      map[string]string // also the manifest's annotations
	Created     time.Time
	BaseComment string // history entries
	AppComment  string
}

func layer(data []byte) (v1.Layer, error) {
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
		tarball.WithMediaType(types.OCILayer))
}

// Image builds the variant's image. The same input gives the same digest.
func (v Variant) Image() (v1.Image, error) {
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	created := v1.Time{Time: v.Created.UTC()}
	for _, l := range []struct {
		data    []byte
		comment string
	}{{v.Base, v.BaseComment}, {v.App, v.AppComment}} {
		ly, err := layer(l.data)
		if err != nil {
			return nil, err
		}
		if img, err = mutate.Append(img, mutate.Addendum{Layer: ly, History: v1.History{Created: created, CreatedBy: l.comment}}); err != nil {
			return nil, err
		}
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Variant, cf.Created = v.Platform.OS, v.Platform.Architecture, v.Platform.Variant, created
	cf.Config.Entrypoint, cf.Config.User, cf.Config.Env, cf.Config.Labels = v.Entrypoint, v.User, v.Env, v.Labels
	cf.Config.WorkingDir = "/"
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		return nil, err
	}
	return mutate.Annotations(img, v.Labels).(v1.Image), nil
}

// Index puts the variants' images into one OCI image index with the given annotations.
func Index(imgs []v1.Image, platforms []v1.Platform, annotations map[string]string) (v1.ImageIndex, error) {
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for i, img := range imgs {
		p := platforms[i]
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &p, MediaType: types.OCIManifestSchema1}})
	}
	return mutate.Annotations(idx, annotations).(v1.ImageIndex), nil
}
