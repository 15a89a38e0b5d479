package docindex

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"runtime"
	"sync/atomic"
	"unsafe"
)

// Snapshot format (all integers little endian):
//
//	magic "LKDOCIX\n", version uint32, checkpoint uint64, buckets uint64, n uint64
//	table: per bucket 4 packed numbers then 4 meta words (uint64 each)
//	id order: count uint64, then slots (uint32 each)
//	records written since the build: count uint64, then id uint64 and slot
//	uint32 each (fresh ids, increasing), and the same for other ids
//	batches count uint64, then id uint64 and country, from, to (uint8 length + bytes) each
//	long numbers count uint64, then text (uint8 length + bytes) each
//	CRC-32C (Castagnoli) of everything before, uint32
//
// The arrays are written as they are in memory, so reading a snapshot is a
// copy at disk speed with no sorting and no hashing.

const (
	snapshotMagic   = "LKDOCIX\n"
	snapshotVersion = 1
	maxSnapshotN    = 1 << 32 // positions are uint32
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// ErrCorruptSnapshot is returned (wrapped) by [Index.ReadFrom] when a
// snapshot fails its checksum or its structure checks.
var ErrCorruptSnapshot = errors.New("corrupt index snapshot")

type snapWriter struct {
	w   *bufio.Writer
	crc hash.Hash32
	n   int64
	buf [8]byte
	err error
}

func (s *snapWriter) write(p []byte) {
	if s.err != nil {
		return
	}
	s.crc.Write(p)
	m, err := s.w.Write(p)
	s.n += int64(m)
	s.err = err
}

func (s *snapWriter) u64(v uint64) { binary.LittleEndian.PutUint64(s.buf[:], v); s.write(s.buf[:8]) }
func (s *snapWriter) u32(v uint32) { binary.LittleEndian.PutUint32(s.buf[:], v); s.write(s.buf[:4]) }
func (s *snapWriter) u16(v uint16) { binary.LittleEndian.PutUint16(s.buf[:], v); s.write(s.buf[:2]) }

func (s *snapWriter) str(v string) {
	s.write([]byte{byte(len(v))})
	s.write([]byte(v))
}

// writeArray encodes a whole array through one reused chunk buffer.
func writeArray[T uint16 | uint32 | uint64](s *snapWriter, a []T) {
	var zero T
	size := int(binarySize(zero))
	chunk := make([]byte, 0, 1<<16)
	for len(a) > 0 && s.err == nil {
		m := min(len(a), cap(chunk)/size)
		chunk = chunk[:m*size]
		for i, v := range a[:m] {
			switch size {
			case 2:
				binary.LittleEndian.PutUint16(chunk[2*i:], uint16(v))
			case 4:
				binary.LittleEndian.PutUint32(chunk[4*i:], uint32(v))
			default:
				binary.LittleEndian.PutUint64(chunk[8*i:], uint64(v))
			}
		}
		s.write(chunk)
		a = a[m:]
	}
}

func binarySize[T uint16 | uint32 | uint64](v T) uintptr {
	switch any(v).(type) {
	case uint16:
		return 2
	case uint32:
		return 4
	}
	return 8
}

// writeTable encodes the table bucket by bucket.
func writeTable(s *snapWriter, table []bucket) {
	if littleEndian {
		// The in-memory layout is the file layout: write it as it is.
		raw := tableBytes(table)
		for len(raw) > 0 && s.err == nil {
			m := min(len(raw), 4<<20)
			s.write(raw[:m])
			raw = raw[m:]
		}
		return
	}
	chunk := make([]byte, 0, 1<<16)
	for i := range table {
		b := &table[i]
		for j := range slotsPerBucket {
			chunk = binary.LittleEndian.AppendUint64(chunk, b.num[j])
		}
		for j := range slotsPerBucket {
			chunk = binary.LittleEndian.AppendUint64(chunk, atomic.LoadUint64(&b.meta[j]))
		}
		if len(chunk) == cap(chunk) {
			s.write(chunk)
			chunk = chunk[:0]
		}
	}
	s.write(chunk)
}

// readTable decodes nb buckets. A small table grows as data arrives, so a
// forged count cannot allocate more than the input holds; a large one is
// mapped, which costs memory only as it is filled.
func readTable(s *snapReader, nb uint64, owner *segment) ([]bucket, int64) {
	const bucketBytes = 16 * slotsPerBucket
	var table []bucket
	var offHeap int64
	if nb*bucketBytes >= mmapMin {
		full, n := allocTable(nb, owner)
		if n < 0 {
			return nil, n
		}
		table, offHeap = full[:0], n
	} else {
		table = make([]bucket, 0, min(nb, 1<<10))
	}
	if littleEndian {
		// Read straight into the table, growing it (when on the heap) as
		// the data arrives.
		for uint64(len(table)) < nb && s.err == nil {
			m := int(min(nb-uint64(len(table)), 1<<14))
			if len(table)+m > cap(table) {
				table = append(table[:cap(table)], make([]bucket, len(table)+m-cap(table))...)[:len(table)]
			}
			table = table[:len(table)+m]
			s.read(tableBytes(table[len(table)-m:]))
		}
		return table, offHeap
	}
	chunk := make([]byte, 1024*bucketBytes)
	for uint64(len(table)) < nb && s.err == nil {
		m := int(min(nb-uint64(len(table)), 1024))
		c := chunk[:m*bucketBytes]
		s.read(c)
		for i := 0; i < m; i++ {
			var b bucket
			for j := range slotsPerBucket {
				b.num[j] = binary.LittleEndian.Uint64(c[i*bucketBytes+8*j:])
				b.meta[j] = binary.LittleEndian.Uint64(c[i*bucketBytes+8*(slotsPerBucket+j):])
			}
			table = append(table, b)
		}
	}
	return table, offHeap
}

// littleEndian reports whether memory holds integers as the snapshot does,
// so that tables can be written and read without encoding.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

func tableBytes(t []bucket) []byte {
	if len(t) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&t[0])), len(t)*int(unsafe.Sizeof(t[0])))
}

func uint32Bytes(a []uint32) []byte {
	if len(a) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&a[0])), 4*len(a))
}

// readUint32s reads n values, raw when the machine is little endian.
func readUint32s(s *snapReader, n uint64) []uint32 {
	if !littleEndian {
		return readArray[uint32](s, n)
	}
	a := make([]uint32, 0, min(n, 1<<12))
	for uint64(len(a)) < n && s.err == nil {
		m := int(min(n-uint64(len(a)), 1<<18))
		a = append(a, make([]uint32, m)...)
		s.read(uint32Bytes(a[len(a)-m:]))
	}
	return a
}

// WriteTo writes a snapshot of the index to w (see [Index.ReadFrom]). Writes
// to the index wait until it is done; checks do not.
func (x *Index) WriteTo(w io.Writer) (int64, error) {
	x.wmu.Lock()
	defer x.wmu.Unlock()
	st := x.st.Load()
	seg := st.seg
	s := &snapWriter{w: bufio.NewWriterSize(w, 1<<20), crc: crc32.New(crcTable)}
	s.write([]byte(snapshotMagic))
	s.u32(snapshotVersion)
	s.u64(x.checkpoint)
	s.u64(seg.nb)
	s.u64(uint64(seg.n))
	writeTable(s, seg.table)
	s.u64(uint64(len(seg.byID)))
	if littleEndian {
		s.write(uint32Bytes(seg.byID))
	} else {
		writeArray(s, seg.byID)
	}
	s.u64(uint64(len(x.tailIDs)))
	for i, id := range x.tailIDs {
		s.u64(id)
		s.u32(x.tailSlots[i])
	}
	s.u64(uint64(len(x.side)))
	for id, slot := range x.side {
		s.u64(id)
		s.u32(slot)
	}
	runtime.KeepAlive(seg) // the table may live outside the heap, freed with seg
	s.u64(uint64(len(x.rByID)))
	for id, loc := range x.rByID {
		s.u64(id)
		s.str(countryName(loc.rec.cc))
		s.str(loc.from)
		s.str(loc.to)
	}
	x.longMu.RLock()
	s.u64(uint64(len(x.longs)))
	for _, v := range x.longs {
		s.str(v)
	}
	x.longMu.RUnlock()
	if s.err == nil {
		binary.LittleEndian.PutUint32(s.buf[:], s.crc.Sum32())
		m, err := s.w.Write(s.buf[:4])
		s.n += int64(m)
		s.err = err
	}
	if s.err == nil {
		s.err = s.w.Flush()
	}
	if s.err != nil {
		return s.n, fmt.Errorf("write index snapshot: %w", s.err)
	}
	return s.n, nil
}

type snapReader struct {
	r   *bufio.Reader
	crc hash.Hash32
	n   int64
	buf [8]byte
	err error
}

func (s *snapReader) read(p []byte) {
	if s.err != nil {
		clear(p)
		return
	}
	m, err := io.ReadFull(s.r, p)
	s.n += int64(m)
	if err != nil {
		s.err = fmt.Errorf("%w: truncated after %d bytes", ErrCorruptSnapshot, s.n)
		clear(p)
		return
	}
	s.crc.Write(p)
}

func (s *snapReader) u64() uint64 { s.read(s.buf[:8]); return binary.LittleEndian.Uint64(s.buf[:]) }
func (s *snapReader) u32() uint32 { s.read(s.buf[:4]); return binary.LittleEndian.Uint32(s.buf[:]) }
func (s *snapReader) u16() uint16 { s.read(s.buf[:2]); return binary.LittleEndian.Uint16(s.buf[:]) }

func (s *snapReader) str() string {
	s.read(s.buf[:1])
	b := make([]byte, s.buf[0])
	s.read(b)
	return string(b)
}

// readArray decodes n values, growing the array as data arrives so that a
// forged count cannot make it allocate more than the input holds.
func readArray[T uint16 | uint32 | uint64](s *snapReader, n uint64) []T {
	var zero T
	size := int(binarySize(zero))
	const step = 1 << 12
	a := make([]T, 0, min(n, step))
	chunk := make([]byte, 1<<16)
	for uint64(len(a)) < n && s.err == nil {
		m := int(min(n-uint64(len(a)), uint64(len(chunk)/size)))
		c := chunk[:m*size]
		s.read(c)
		for i := 0; i < m; i++ {
			switch size {
			case 2:
				a = append(a, T(binary.LittleEndian.Uint16(c[2*i:])))
			case 4:
				a = append(a, T(binary.LittleEndian.Uint32(c[4*i:])))
			default:
				a = append(a, T(binary.LittleEndian.Uint64(c[8*i:])))
			}
		}
	}
	return a
}

// ReadFrom replaces the contents of x with a snapshot written by
// [Index.WriteTo]. It refuses (with an error wrapping [ErrCorruptSnapshot])
// a snapshot of another version, a truncated one, one whose checksum does
// not match and one whose structure is inconsistent, leaving x unchanged.
// It works on a zero Index.
func (x *Index) ReadFrom(r io.Reader) (int64, error) {
	s := &snapReader{r: bufio.NewReaderSize(r, 1<<16), crc: crc32.New(crcTable)}
	y, err := readSnapshot(s)
	if err != nil {
		return s.n, err
	}
	x.wmu.Lock()
	defer x.wmu.Unlock()
	x.rByID, x.tailIDs, x.tailSlots, x.side = y.rByID, y.tailIDs, y.tailSlots, y.side
	x.job = nil // a rebuild in progress is of the old contents: drop it
	x.checkpoint = y.checkpoint
	x.longMu.Lock()
	x.longs = y.longs
	x.longMu.Unlock()
	x.st.Store(y.st.Load())
	return s.n, nil
}

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrCorruptSnapshot}, args...)...)
}

func readSnapshot(s *snapReader) (*Index, error) {
	var magic [len(snapshotMagic)]byte
	s.read(magic[:])
	if s.err != nil {
		return nil, s.err
	}
	if string(magic[:]) != snapshotMagic {
		return nil, corrupt("not an index snapshot (magic %q)", magic[:])
	}
	if v := s.u32(); v != snapshotVersion {
		return nil, corrupt("snapshot version %d, want %d", v, snapshotVersion)
	}
	checkpoint := s.u64()
	nb, n := s.u64(), s.u64()
	if s.err != nil {
		return nil, s.err
	}
	if nb == 0 || nb > maxSnapshotN/slotsPerBucket || n >= nb*slotsPerBucket {
		return nil, corrupt("%d records in %d buckets", n, nb)
	}
	seg := &segment{nb: nb, n: int(n)}
	if seg.table, seg.offHeap = readTable(s, nb, seg); seg.offHeap < 0 {
		return nil, corrupt("cannot map memory for %d buckets", nb)
	}
	seg.byID = readUint32s(s, min(s.u64(), n))
	type idSlot struct {
		id   uint64
		slot uint32
	}
	var tailRefs, side []idSlot
	for i, tn := uint64(0), s.u64(); i < tn && s.err == nil; i++ {
		tailRefs = append(tailRefs, idSlot{s.u64(), s.u32()})
	}
	for i, sn := uint64(0), s.u64(); i < sn && s.err == nil; i++ {
		side = append(side, idSlot{s.u64(), s.u32()})
	}
	type rawRange struct {
		id                uint64
		country, from, to string
	}
	rn := s.u64()
	var ranges []rawRange
	for i := uint64(0); i < rn && s.err == nil; i++ {
		ranges = append(ranges, rawRange{id: s.u64(), country: s.str(), from: s.str(), to: s.str()})
	}
	ln := s.u64()
	var longs []string
	for i := uint64(0); i < ln && s.err == nil; i++ {
		longs = append(longs, s.str())
	}
	if s.err != nil {
		return nil, s.err
	}
	sum := s.crc.Sum32()
	var tail [4]byte
	if _, err := io.ReadFull(s.r, tail[:]); err != nil {
		return nil, corrupt("missing checksum")
	}
	s.n += 4
	if got := binary.LittleEndian.Uint32(tail[:]); got != sum {
		return nil, corrupt("checksum %08x, computed %08x", got, sum)
	}

	// The checksum catches accidents; these checks keep a forged snapshot
	// from making lookups loop or index out of range.
	occupied := 0
	for b := range seg.table {
		bk := &seg.table[b]
		for j := range slotsPerBucket {
			switch {
			case bk.num[j] == 0 && bk.meta[j] != 0:
				return nil, corrupt("empty slot %d has data", b*slotsPerBucket+j)
			case bk.num[j] == 0:
			case !validCountry(metaCC(bk.meta[j])):
				return nil, corrupt("slot %d country code %d", b*slotsPerBucket+j, metaCC(bk.meta[j]))
			default:
				occupied++
				if bk.meta[j]&deadBit != 0 {
					seg.ndead++
				}
			}
		}
	}
	if uint64(occupied) != n {
		return nil, corrupt("%d slots used, header says %d", occupied, n)
	}
	// Bounds only: a forged order could make findID answer wrongly but not
	// crash, and checking the order would cost a random read a record.
	nslots := uint32(nb * slotsPerBucket)
	for _, slot := range seg.byID {
		if slot >= nslots {
			return nil, corrupt("id order points at slot %d", slot)
		}
	}
	if len(seg.byID) > 0 {
		seg.maxID = metaID(*seg.slotMeta(seg.byID[len(seg.byID)-1]))
	}

	x := newIndex()
	x.checkpoint = checkpoint
	for _, v := range longs {
		k, err := numberKeys(v)
		if err != nil || !k.long {
			return nil, corrupt("long number %q", v)
		}
		x.longs[k.num] = v
	}
	st := &state{seg: seg, ranges: newRangeSet()}
	x.st.Store(st)
	for i, e := range tailRefs {
		if e.slot >= nslots || e.id <= seg.maxID || i > 0 && e.id <= tailRefs[i-1].id {
			return nil, corrupt("record %d written since the build", e.id)
		}
		x.tailIDs = append(x.tailIDs, e.id)
		x.tailSlots = append(x.tailSlots, e.slot)
	}
	for _, e := range side {
		if _, dup := x.side[e.id]; dup || e.slot >= nslots {
			return nil, corrupt("record %d written since the build", e.id)
		}
		x.side[e.id] = e.slot
	}
	locs := make([]rangeLoc, 0, len(ranges))
	for _, rr := range ranges {
		cc, err := countryCode(rr.country)
		if err == nil {
			err = checkID(rr.id)
		}
		if err != nil {
			return nil, corrupt("batch %d: %v", rr.id, err)
		}
		k, lo, hi, err := parseRange(rr.from, rr.to)
		if err != nil {
			return nil, corrupt("batch %d: %v", rr.id, err)
		}
		locs = append(locs, rangeLoc{key: k, rec: rangeRec{id: rr.id, lo: lo, hi: hi, cc: cc}, from: rr.from, to: rr.to})
	}
	rs, err := x.loadRanges(locs, &segment{})
	if err != nil {
		return nil, corrupt("%v", err)
	}
	st.ranges = rs
	return x, nil
}
