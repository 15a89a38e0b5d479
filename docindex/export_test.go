package docindex

// SetCompactMin lowers the rebuild threshold so that tests exercise
// rebuilds with a handful of records.
func SetCompactMin(x *Index, n int) {
	x.wmu.Lock()
	x.compactMin = n
	x.wmu.Unlock()
}
