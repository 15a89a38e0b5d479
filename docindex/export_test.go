package docindex

// SetCompactMin lowers the rebuild threshold so that tests exercise
// rebuilds with a handful of records.
func SetCompactMin(x *Index, n int) {
	x.wmu.Lock()
	x.compactMin = n
	x.wmu.Unlock()
}

// SetMmapMin changes the table size from which tables are mapped outside
// the heap and returns the previous value.
func SetMmapMin(n uint64) uint64 {
	old := mmapMin
	mmapMin = n
	return old
}
