package oci

import (
	"bytes"
	"encoding/json"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// SPDXJSON is the media type of an SPDX JSON document (IANA).
const SPDXJSON = "application/spdx+json"

// artifact is an OCI 1.1 artifact manifest: an empty config ("{}") and one blob. go-containerregistry
// writes any v1.Image, and when its manifest has a subject it also keeps the registry's referrers
// (the API, or the sha256-<digest> tag where a registry has none).
type artifact struct {
	manifest []byte
	blob     v1.Layer
}

var emptyJSON = []byte("{}")

func (a *artifact) RawConfigFile() ([]byte, error)      { return emptyJSON, nil }
func (a *artifact) MediaType() (types.MediaType, error) { return types.OCIManifestSchema1, nil }
func (a *artifact) RawManifest() ([]byte, error)        { return a.manifest, nil }
func (a *artifact) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	if d, err := a.blob.Digest(); err == nil && d == h {
		return a.blob, nil
	}
	return nil, fmt.Errorf("the artifact has no blob %s", h)
}

// SBOMArtifact returns an artifact holding the SPDX document that refers to subject (one
// platform's image), so that `oras discover` or `crane` find the SBOM from the image's digest.
func SBOMArtifact(doc []byte, title string, subject v1.Image, annotations map[string]string) (v1.Image, error) {
	sd, err := partial.Descriptor(subject)
	if err != nil {
		return nil, err
	}
	blob := static.NewLayer(doc, SPDXJSON)
	bd, err := partial.Descriptor(blob)
	if err != nil {
		return nil, err
	}
	bd.Annotations = map[string]string{"org.opencontainers.image.title": title}
	cfg, size, err := v1.SHA256(bytes.NewReader(emptyJSON))
	if err != nil {
		return nil, err
	}
	m := v1.Manifest{
		SchemaVersion: 2,
		MediaType:     types.OCIManifestSchema1,
		ArtifactType:  SPDXJSON,
		Config:        v1.Descriptor{MediaType: types.OCIEmptyJSON, Digest: cfg, Size: size},
		Layers:        []v1.Descriptor{*bd},
		Subject:       &v1.Descriptor{MediaType: sd.MediaType, Digest: sd.Digest, Size: sd.Size},
		Annotations:   annotations,
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return partial.CompressedToImage(&artifact{manifest: raw, blob: blob})
}
