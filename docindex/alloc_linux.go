package docindex

import (
	"runtime"
	"syscall"
	"unsafe"
)

// Tables of at least this size are mapped outside the Go heap, in memory
// the kernel is asked to back with 2 MiB pages: an exact check is one random
// read in a table of gigabytes, and with 4 KiB pages most of them also miss
// the TLB. Measured on the development machine: about a third less CPU time
// per random read of a 2 GiB table.
var mmapMin uint64 = 64 << 20

const hugePage = 2 << 20

// allocTable returns a zeroed table of nb buckets and the number of bytes
// held outside the Go heap (0 when it is an ordinary slice). The mapping is
// released when owner becomes unreachable.
func allocTable(nb uint64, owner *segment) ([]bucket, int64) {
	size := nb * uint64(unsafe.Sizeof(bucket{}))
	if size < mmapMin {
		return make([]bucket, nb), 0
	}
	mem, err := syscall.Mmap(-1, 0, int(size+hugePage), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return nil, -1
	}
	// Align to a huge page so that the whole table can use them.
	off := (hugePage - uintptr(unsafe.Pointer(&mem[0]))%hugePage) % hugePage
	region := mem[off : off+uintptr(size)]
	_ = syscall.Madvise(region, 14) // MADV_HUGEPAGE; only a hint
	table := unsafe.Slice((*bucket)(unsafe.Pointer(&region[0])), nb)
	runtime.AddCleanup(owner, func(m []byte) { _ = syscall.Munmap(m) }, mem)
	return table, int64(len(mem))
}
