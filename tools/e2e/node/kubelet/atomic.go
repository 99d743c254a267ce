package kubelet

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// atomicWrite replaces the files of a projected volume at once, as kubelet's AtomicWriter: they
// are written into a new hidden folder, the link ..data is swapped to it with a rename, and each
// top-level name is a link into ..data. A reader sees the old set or the new one, never a mix.
func atomicWrite(dir string, files map[string]file) error {
	top := map[string]bool{}
	for p := range files {
		clean := filepath.Clean(p)
		if filepath.IsAbs(p) || clean == "." || strings.HasPrefix(clean, "..") {
			return fmt.Errorf("invalid path %q in a projected volume", p)
		}
		top[strings.SplitN(clean, "/", 2)[0]] = true
	}
	ts, err := os.MkdirTemp(dir, "..data.")
	if err != nil {
		return err
	}
	if err := os.Chmod(ts, 0o755); err != nil {
		return err
	}
	for p, f := range files {
		target := filepath.Join(ts, filepath.Clean(p))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, f.data, f.mode); err != nil {
			return err
		}
		if err := os.Chmod(target, f.mode); err != nil { // not narrowed by the umask
			return err
		}
		if f.uid >= 0 {
			if err := os.Lchown(target, f.uid, -1); err != nil {
				return err
			}
		}
	}
	old, _ := os.Readlink(filepath.Join(dir, "..data"))
	tmpLink := filepath.Join(dir, "..data_tmp")
	_ = os.Remove(tmpLink)
	if err := os.Symlink(filepath.Base(ts), tmpLink); err != nil {
		return err
	}
	if err := os.Rename(tmpLink, filepath.Join(dir, "..data")); err != nil {
		return err
	}
	for name := range top {
		link := filepath.Join(dir, name)
		if dest, err := os.Readlink(link); err == nil && dest == filepath.Join("..data", name) {
			continue
		}
		_ = os.Remove(link)
		if err := os.Symlink(filepath.Join("..data", name), link); err != nil {
			return err
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "..") && !top[e.Name()] && e.Type()&os.ModeSymlink != 0 {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
	if old != "" && old != filepath.Base(ts) {
		return os.RemoveAll(filepath.Join(dir, old))
	}
	return nil
}
