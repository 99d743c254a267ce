package rootfs

import (
	"archive/tar"
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"tapacme/tools/image/debian"
)

func TestKeep(t *testing.T) {
	for p, want := range map[string]bool{
		"lib/x86_64-linux-gnu/libc.so.6":                     true,
		"usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30":       true,
		"usr/share/doc/libc6/copyright":                      true,
		"usr/share/doc/libstdc++6":                           true, // the link to gcc-12-base's folder
		"usr/share/doc/libc6/changelog.Debian.gz":            false,
		"usr/share/doc/ca-certificates/examples/x/copyright": false,
		"usr/share/man/man1/ldd.1.gz":                        false,
		"usr/share/locale/de/LC_MESSAGES/libc.mo":            false,
		"usr/lib/x86_64-linux-gnu/gconv/UTF-16.so":           false,
		"usr/bin/ldd":   false,
		"sbin/ldconfig": false,
		"usr/share/ca-certificates/mozilla/ISRG_Root_X1.crt": false,
		"etc/ld.so.conf.d/x86_64-linux-gnu.conf":             true,
	} {
		if keep(p) != want {
			t.Errorf("keep(%q) = %v, want %v", p, !want, want)
		}
	}
}

func TestFinish(t *testing.T) {
	fs := New(time.Unix(1700000000, 0))
	fs.Finish([]Installed{{Package: debian.Package{Name: "libc6"}, Control: "Package: libc6\nVersion: 2.36\n"}}, map[string][]byte{"b.crt": []byte("B"), "a.crt": []byte("A\n")}, "ID=debian\n")
	data, err := fs.Tar()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*tar.Header{}
	content := map[string]string{}
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		got[strings.TrimSuffix(h.Name, "/")], content[strings.TrimSuffix(h.Name, "/")] = h, string(b)
		if !h.ModTime.Equal(time.Unix(1700000000, 0)) {
			t.Errorf("%s: time %v", h.Name, h.ModTime)
		}
	}
	if h := got["tmp"]; h == nil || h.Mode != 0o1777 || h.Uid != 0 {
		t.Errorf("/tmp: %+v, want mode 1777 owned by root", h)
	}
	if h := got["home/nonroot"]; h == nil || h.Uid != NonRoot || h.Gid != NonRoot || h.Mode != 0o700 {
		t.Errorf("/home/nonroot: %+v, want 0700 owned by 65532", h)
	}
	if !strings.Contains(content["etc/passwd"], "nonroot:x:65532:65532:") || !strings.Contains(content["etc/group"], "nonroot:x:65532:") {
		t.Errorf("passwd/group: %q %q", content["etc/passwd"], content["etc/group"])
	}
	if content["var/lib/dpkg/status.d/libc6"] != "Package: libc6\nVersion: 2.36\n" {
		t.Errorf("status.d/libc6: %q, want the package's control file", content["var/lib/dpkg/status.d/libc6"])
	}
	if content["etc/ssl/certs/ca-certificates.crt"] != "A\nB\n" {
		t.Errorf("CA bundle %q, want the certificates in name order, each ending in a newline", content["etc/ssl/certs/ca-certificates.crt"])
	}
}
