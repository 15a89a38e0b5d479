//go:build !linux

package docindex

// mmapMin is the table size from which allocTable could map memory outside
// the heap; elsewhere than Linux every table is an ordinary slice.
var mmapMin uint64 = 1 << 62

func allocTable(nb uint64, owner *segment) ([]bucket, int64) {
	return make([]bucket, nb), 0
}
