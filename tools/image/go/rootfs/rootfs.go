// Package rootfs builds a root filesystem in memory and writes it as a reproducible tar layer:
// sorted paths, fixed time stamps, numeric owners only.
package rootfs

import (
	"archive/tar"
	"bytes"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"
)

// FS maps a path without leading slash to its tar header and content.
type FS struct {
	Time    time.Time
	entries map[string]*entry
}

type entry struct {
	h    tar.Header
	data []byte
}

func New(t time.Time) *FS { return &FS{Time: t.UTC(), entries: map[string]*entry{}} }

func clean(p string) string { return strings.TrimPrefix(path.Clean("/"+p), "/") }

// Dir adds a directory (and its missing parents, root-owned 0755).
func (f *FS) Dir(p string, mode int64, uid, gid int) {
	p = clean(p)
	if p == "" {
		return
	}
	f.parents(p)
	f.entries[p] = &entry{h: tar.Header{Typeflag: tar.TypeDir, Name: p + "/", Mode: mode, Uid: uid, Gid: gid}}
}

// File adds a regular root-owned file.
func (f *FS) File(p string, mode int64, data []byte) {
	p = clean(p)
	f.parents(p)
	f.entries[p] = &entry{h: tar.Header{Typeflag: tar.TypeReg, Name: p, Mode: mode, Size: int64(len(data))}, data: data}
}

// Symlink adds a symbolic link.
func (f *FS) Symlink(p, target string) {
	p = clean(p)
	f.parents(p)
	f.entries[p] = &entry{h: tar.Header{Typeflag: tar.TypeSymlink, Name: p, Linkname: target, Mode: 0o777}}
}

// Hardlink adds a hard link to an existing file.
func (f *FS) Hardlink(p, target string) error {
	p, target = clean(p), clean(target)
	if e, ok := f.entries[target]; !ok || e.h.Typeflag != tar.TypeReg {
		return fmt.Errorf("hard link %s: %s is not a file here", p, target)
	}
	f.parents(p)
	f.entries[p] = &entry{h: tar.Header{Typeflag: tar.TypeLink, Name: p, Linkname: target, Mode: 0o644}}
	return nil
}

// Has reports whether p exists.
func (f *FS) Has(p string) bool { _, ok := f.entries[clean(p)]; return ok }

// Read returns a regular file's content.
func (f *FS) Read(p string) ([]byte, bool) {
	e, ok := f.entries[clean(p)]
	if !ok || e.h.Typeflag != tar.TypeReg {
		return nil, false
	}
	return e.data, true
}

// Paths lists every path, sorted.
func (f *FS) Paths() []string {
	out := make([]string, 0, len(f.entries))
	for p := range f.entries {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func (f *FS) parents(p string) {
	for d := path.Dir(p); d != "." && d != "/" && d != ""; d = path.Dir(d) {
		if _, ok := f.entries[d]; ok {
			return
		}
		f.entries[d] = &entry{h: tar.Header{Typeflag: tar.TypeDir, Name: d + "/", Mode: 0o755}}
		f.parents(d)
	}
}

// Tar writes the filesystem as an uncompressed tar, parents before children.
func (f *FS) Tar() ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, p := range f.Paths() {
		e := f.entries[p]
		h := e.h
		h.ModTime = f.Time
		if err := tw.WriteHeader(&h); err != nil {
			return nil, fmt.Errorf("%s: %v", p, err)
		}
		if len(e.data) > 0 {
			if _, err := tw.Write(e.data); err != nil {
				return nil, err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
