package debian

import (
	"fmt"

	version "github.com/knqyf263/go-deb-version"
)

// Resolved is a package and the archive that serves it.
type Resolved struct {
	Package
	From *Archive
}

// Resolve picks each named package for arch from the archives (a suite and its updates and
// security suites), the highest version winning, as apt would.
func Resolve(archives []*Archive, arch string, names []string) ([]Resolved, error) {
	best := map[string]Resolved{}
	for _, a := range archives {
		idx, err := a.Index(arch)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %v", a.Mirror, a.Suite, err)
		}
		for _, n := range names {
			p, ok := idx[n]
			if !ok {
				continue
			}
			if cur, ok := best[n]; ok {
				if up, err := newer(p.Version, cur.Version); err != nil {
					return nil, fmt.Errorf("%s: %v", n, err)
				} else if !up {
					continue
				}
			}
			best[n] = Resolved{Package: p, From: a}
		}
	}
	out := make([]Resolved, 0, len(names))
	for _, n := range names {
		r, ok := best[n]
		if !ok {
			return nil, fmt.Errorf("no archive lists the package %s for %s", n, arch)
		}
		out = append(out, r)
	}
	return out, nil
}

// newer reports whether Debian version a sorts after b (dpkg's order: epochs, ~ before anything).
func newer(a, b string) (bool, error) {
	av, err1 := version.NewVersion(a)
	bv, err2 := version.NewVersion(b)
	if err1 != nil || err2 != nil {
		return false, fmt.Errorf("cannot compare versions %q and %q", a, b)
	}
	return av.GreaterThan(bv), nil
}
