package debian

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"sort"
	"strings"
)

// Entry is one member of a package's data archive.
type Entry struct {
	Header *tar.Header
	Data   []byte
}

// Contents returns the files, directories and links of a .deb's data archive, paths without the
// leading "./". dpkg-deb reads the ar container and whichever compression the package uses.
func Contents(deb string) ([]Entry, error) {
	cmd := exec.Command("dpkg-deb", "--fsys-tarfile", deb)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("dpkg-deb is needed to unpack %s: %v", deb, err)
	}
	var entries []Entry
	tr := tar.NewReader(out)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			cmd.Wait()
			return nil, fmt.Errorf("%s: %v", deb, err)
		}
		h.Name = strings.TrimPrefix(strings.TrimPrefix(h.Name, "."), "/")
		if h.Name == "" {
			continue
		}
		var data []byte
		if h.Typeflag == tar.TypeReg {
			if data, err = io.ReadAll(tr); err != nil {
				cmd.Wait()
				return nil, err
			}
		}
		entries = append(entries, Entry{Header: h, Data: data})
	}
	if err := cmd.Wait(); err != nil {
		return nil, fmt.Errorf("dpkg-deb --fsys-tarfile %s: %v: %s", deb, err, strings.TrimSpace(stderr.String()))
	}
	return entries, nil
}

// Control returns the package's control file, as dpkg keeps it for installed packages.
func Control(deb string) (string, error) {
	out, err := exec.Command("dpkg-deb", "--field", deb).Output()
	if err != nil {
		return "", fmt.Errorf("dpkg-deb --field %s: %v", deb, err)
	}
	return string(out), nil
}

// Licenses returns the licence names a machine-readable (DEP-5) copyright file declares, sorted
// and without duplicates; none when the file is free-form.
func Licenses(copyright []byte) []string {
	if !bytes.HasPrefix(copyright, []byte("Format:")) {
		return nil
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(string(copyright), "\n") {
		if v, ok := strings.CutPrefix(line, "License:"); ok {
			if v = strings.TrimSpace(v); v != "" {
				seen[v] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for l := range seen {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}
