package docindex

// SetMmapMin changes the table size from which tables are mapped outside
// the heap and returns the previous value.
func SetMmapMin(n uint64) uint64 {
	old := mmapMin
	mmapMin = n
	return old
}

// SetBackgroundMin changes the table size from which rebuilds run in the
// background and returns the previous value.
func SetBackgroundMin(n int) int {
	old := backgroundMin
	backgroundMin = n
	return old
}
