//go:build !unix

package afis

import "time"

// cpuTime is not available here; speeds fall back to wall-clock time.
func cpuTime() time.Duration { return 0 }
