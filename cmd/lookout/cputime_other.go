//go:build !unix

package main

import "time"

// cpuTime is not measured on this system: benchmarks report wall time only.
func cpuTime() time.Duration { return 0 }

// threadCPU is not measured on this system.
func threadCPU() time.Duration { return 0 }
