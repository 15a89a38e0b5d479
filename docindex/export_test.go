package docindex

// SetMmapMin changes the table size from which tables are mapped outside
// the heap and returns the previous value.
func SetMmapMin(n uint64) uint64 {
	old := mmapMin
	mmapMin = n
	return old
}
