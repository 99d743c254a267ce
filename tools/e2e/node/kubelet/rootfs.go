package kubelet

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	"golang.org/x/sys/unix"
	corev1 "k8s.io/api/core/v1"
)

// Rootfs is a container's root: a bind mount of the image's unpacked filesystem, a small /dev,
// the Pod's volumes bound at their mountPath, and the root made read-only for
// readOnlyRootFilesystem (volumes stay writable unless the volumeMount says readOnly).
type Rootfs struct{ Path string }

// devices a container gets in /dev, as runc creates them (major, minor).
var devices = []struct {
	name         string
	major, minor uint32
}{{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}}

// inRoot is p inside root with symbolic links resolved as if root were "/" (an image's
// /var/run -> /run must not lead a mount onto the node's own /run).
func inRoot(root, p string) (string, error) {
	return securejoin.SecureJoin(root, p)
}

// MountRootfs assembles the container's root at path. On error what was mounted is undone.
func MountRootfs(image, path string, c *corev1.Container, volumePath func(name string) string) (r *Rootfs, err error) {
	if err := os.MkdirAll(path, 0o755); err != nil {
		return nil, err
	}
	if err := unix.Mount(image, path, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return nil, fmt.Errorf("bind the image's filesystem: %w", err)
	}
	r = &Rootfs{Path: path}
	defer func() {
		if err != nil {
			_ = r.Unmount()
			r = nil
		}
	}()
	dev, err := inRoot(path, "/dev")
	if err != nil {
		return r, err
	}
	if err := os.MkdirAll(dev, 0o755); err != nil {
		return r, err
	}
	if err := unix.Mount("tmpfs", dev, "tmpfs", unix.MS_NOSUID|unix.MS_STRICTATIME, "mode=755,size=65536k"); err != nil {
		return r, fmt.Errorf("/dev: %w", err)
	}
	for _, d := range devices {
		if err := unix.Mknod(filepath.Join(dev, d.name), unix.S_IFCHR|0o666, int(unix.Mkdev(d.major, d.minor))); err != nil {
			return r, fmt.Errorf("/dev/%s: %w", d.name, err)
		}
		_ = os.Chmod(filepath.Join(dev, d.name), 0o666)
	}
	for _, vm := range c.VolumeMounts {
		src := volumePath(vm.Name)
		if src == "" {
			return r, fmt.Errorf("volumeMount %q names no volume of the Pod", vm.Name)
		}
		if vm.SubPath != "" {
			if filepath.IsAbs(vm.SubPath) || strings.HasPrefix(filepath.Clean(vm.SubPath), "..") {
				return r, fmt.Errorf("subPath %q must be a relative path inside the volume", vm.SubPath)
			}
			if src, err = inRoot(src, vm.SubPath); err != nil {
				return r, err
			}
		}
		target, err := inRoot(path, vm.MountPath)
		if err != nil {
			return r, err
		}
		st, err := os.Stat(src)
		if err != nil {
			return r, fmt.Errorf("volume %q: %w", vm.Name, err)
		}
		if st.IsDir() {
			err = os.MkdirAll(target, 0o755)
		} else if err = os.MkdirAll(filepath.Dir(target), 0o755); err == nil {
			var f *os.File
			if f, err = os.OpenFile(target, os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
				f.Close()
			}
		}
		if err != nil {
			return r, fmt.Errorf("mount point %s: %w", vm.MountPath, err)
		}
		if err := unix.Mount(src, target, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return r, fmt.Errorf("mount volume %q at %s: %w", vm.Name, vm.MountPath, err)
		}
		if vm.ReadOnly {
			if err := unix.Mount("", target, "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY, ""); err != nil {
				return r, fmt.Errorf("volume %q read-only: %w", vm.Name, err)
			}
		}
	}
	if sc := c.SecurityContext; sc != nil && sc.ReadOnlyRootFilesystem != nil && *sc.ReadOnlyRootFilesystem {
		if err := unix.Mount("", path, "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY, ""); err != nil {
			return r, fmt.Errorf("read-only root filesystem: %w", err)
		}
	}
	return r, nil
}

// Unmount detaches the root with everything mounted under it, then removes the empty mount
// point (never a recursive removal: a mount left there would take its files with it).
func (r *Rootfs) Unmount() error {
	if err := unix.Unmount(r.Path, unix.MNT_DETACH); err != nil && err != unix.EINVAL && err != unix.ENOENT {
		return fmt.Errorf("unmount %s: %w", r.Path, err)
	}
	return os.Remove(r.Path)
}
