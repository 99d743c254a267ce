package debian

import "testing"

func TestNewer(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"2.36-9+deb12u14", "2.36-9+deb12u9", true}, // numeric, not string, order
		{"2.36-9+deb12u9", "2.36-9+deb12u14", false},
		{"20250419", "20250419~deb12u2", true}, // ~ sorts before the end: bookworm's update precedes the release itself
		{"1:1.0", "2.0", true},                 // the epoch wins
		{"12.2.0-14+deb12u1", "12.2.0-14+deb12u1", false},
	} {
		if got, err := newer(c.a, c.b); err != nil || got != c.want {
			t.Errorf("newer(%q, %q) = %v, %v; want %v", c.a, c.b, got, err, c.want)
		}
	}
}
