// Package debian resolves Debian binary packages from a suite's signed index and fetches their
// .deb files, each checked against the sha256 the index gives, with a cache on disk.
package debian

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ulikunitz/xz"
)

// Archive is one suite of a Debian mirror, with a cache folder for what is fetched from it.
type Archive struct {
	Mirror  string        // e.g. http://deb.debian.org/debian
	Suite   string        // e.g. bookworm
	Keyring string        // OpenPGP keyring the InRelease file must be signed with
	Cache   string        // folder for InRelease, Packages indexes and .deb files
	MaxAge  time.Duration // an InRelease younger than this is not fetched again
	Log     func(format string, args ...any)
}

// Package is one stanza of a Packages index.
type Package struct {
	Name, Version, Arch, Source, Filename, SHA256, Homepage string
	Size                                                    int64
}

// release returns the signed content of the suite's InRelease, fetching it when the cached copy
// is missing or older than MaxAge. The signature is checked with gpgv against Keyring; a copy
// that fails the check is never used.
func (a *Archive) release() (string, error) {
	dir := filepath.Join(a.Cache, a.Suite)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	signed := filepath.Join(dir, "InRelease")
	st, err := os.Stat(signed)
	fresh := err == nil && time.Since(st.ModTime()) < a.MaxAge
	if !fresh {
		tmp := tempName(signed)
		if err := download(a.Mirror+"/dists/"+a.Suite+"/InRelease", tmp, ""); err != nil {
			if st != nil {
				a.Log("could not refresh %s InRelease (%v); using the copy from %s", a.Suite, err, st.ModTime().UTC().Format(time.RFC3339))
				return a.verify(signed)
			}
			return "", err
		}
		if _, err := a.verify(tmp); err != nil {
			os.Remove(tmp)
			return "", err
		}
		if err := os.Rename(tmp, signed); err != nil {
			return "", err
		}
	}
	return a.verify(signed)
}

func (a *Archive) verify(file string) (string, error) {
	gpgv, err := exec.LookPath("gpgv")
	if err != nil {
		return "", fmt.Errorf("gpgv is needed to check the Debian archive's signature (apt-get install gpgv)")
	}
	if _, err := os.Stat(a.Keyring); err != nil {
		return "", fmt.Errorf("keyring %s: %v (apt-get install debian-archive-keyring)", a.Keyring, err)
	}
	cmd := exec.Command(gpgv, "--quiet", "--keyring", a.Keyring, "--output", "-", file)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s: bad or missing signature from %s: %v: %s", file, a.Keyring, err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}

// Index returns the packages of the suite's main component for arch (architecture "all" packages
// included, as Debian lists them in every architecture's index).
func (a *Archive) Index(arch string) (map[string]Package, error) {
	rel, err := a.release()
	if err != nil {
		return nil, err
	}
	want := "main/binary-" + arch + "/Packages.xz" // the one compression every suite (also -updates, -security) has
	sum, size, err := releaseEntry(rel, want)
	if err != nil {
		return nil, err
	}
	file := filepath.Join(a.Cache, a.Suite, "Packages-"+arch+"-"+sum[:16]+".xz")
	if err := a.fetch(a.Mirror+"/dists/"+a.Suite+"/"+want, file, sum, size); err != nil {
		return nil, err
	}
	// Older indexes of this architecture are not needed any more.
	old, _ := filepath.Glob(filepath.Join(a.Cache, a.Suite, "Packages-"+arch+"-*.xz"))
	for _, o := range old {
		if o != file {
			os.Remove(o)
		}
	}
	return readPackages(file)
}

// releaseEntry finds name in the SHA256 section of a Release file.
func releaseEntry(rel, name string) (sum string, size int64, err error) {
	in := false
	for _, line := range strings.Split(rel, "\n") {
		if !strings.HasPrefix(line, " ") {
			in = strings.HasPrefix(line, "SHA256:")
			continue
		}
		f := strings.Fields(line)
		if in && len(f) == 3 && f[2] == name {
			n, err := strconv.ParseInt(f[1], 10, 64)
			return f[0], n, err
		}
	}
	return "", 0, fmt.Errorf("the Release file lists no SHA256 for %s", name)
}

func readPackages(file string) (map[string]Package, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := xz.NewReader(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	out := map[string]Package{}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var p Package
	flush := func() {
		if p.Name != "" {
			if p.Source == "" {
				p.Source = p.Name
			}
			out[p.Name] = p
		}
		p = Package{}
	}
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			flush()
			continue
		}
		k, v, ok := strings.Cut(line, ": ")
		if !ok || strings.HasPrefix(line, " ") {
			continue
		}
		switch k {
		case "Package":
			p.Name = v
		case "Version":
			p.Version = v
		case "Architecture":
			p.Arch = v
		case "Source":
			p.Source, _, _ = strings.Cut(v, " ") // "glibc (2.36-9)" names the source version too
		case "Filename":
			p.Filename = v
		case "SHA256":
			p.SHA256 = v
		case "Homepage":
			p.Homepage = v
		case "Size":
			p.Size, _ = strconv.ParseInt(v, 10, 64)
		}
	}
	flush()
	return out, sc.Err()
}

// Fetch returns the path of the package's .deb in the cache, downloading it when missing.
func (a *Archive) Fetch(p Package) (string, error) {
	if p.SHA256 == "" || p.Filename == "" {
		return "", fmt.Errorf("%s %s: the index gives no Filename or SHA256", p.Name, p.Version)
	}
	file := filepath.Join(a.Cache, "pool", filepath.Base(p.Filename))
	return file, a.fetch(a.Mirror+"/"+p.Filename, file, p.SHA256, p.Size)
}

// fetch makes file hold url's content with the given sha256 (and size), reusing a cached copy
// that matches.
func (a *Archive) fetch(url, file, sum string, size int64) error {
	if got, err := fileSHA256(file); err == nil && got == sum {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	a.Log("downloading %s", url)
	tmp := tempName(file)
	if err := download(url, tmp, sum); err != nil {
		os.Remove(tmp)
		return err
	}
	if st, err := os.Stat(tmp); err == nil && size > 0 && st.Size() != size {
		os.Remove(tmp)
		return fmt.Errorf("%s: %d bytes, the index says %d", url, st.Size(), size)
	}
	return os.Rename(tmp, file)
}

// tempName is a name beside file for a download in progress, its own per process: builds in
// several checkouts share the cache, and each renames its own complete copy into place.
func tempName(file string) string {
	return fmt.Sprintf("%s.%d.tmp", file, os.Getpid())
}

var client = &http.Client{Timeout: 10 * time.Minute}

func download(url, file, sum string) error {
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(f, h), resp.Body); err != nil {
		f.Close()
		return fmt.Errorf("GET %s: %v", url, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); sum != "" && got != sum {
		return fmt.Errorf("GET %s: sha256 %s, the signed index says %s", url, got, sum)
	}
	return nil
}

func fileSHA256(file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ReleaseField returns a field of the suite's signed Release file (e.g. Version, Codename).
func (a *Archive) ReleaseField(name string) (string, error) {
	rel, err := a.release()
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(rel, "\n") {
		if v, ok := strings.CutPrefix(line, name+": "); ok {
			return strings.TrimSpace(v), nil
		}
	}
	return "", fmt.Errorf("the %s Release file has no %s field", a.Suite, name)
}
